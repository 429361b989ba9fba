/**
 * Mounts route definitions on an Express router: authenticate (the one door), check access,
 * validate params/query/body with the route's zod schemas, run the handler, send its result.
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Caller } from '../auth/caller';
import { checkAccess } from '../auth/require-role';
import { resolveCaller } from '../auth/resolve-caller';
import type { AppContext } from './context';
import type { Route } from './route';
import { parseInput } from './validation';

/** Builds a router serving `routes`. */
export function mountRoutes(app: AppContext, routes: readonly Route[]): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      // Public routes (sign-up, login, health) ignore credentials: a stale token must not block login.
      const caller: Caller | null = route.access === 'public' ? null : await resolveCaller(req, app);
      res.locals['caller'] = caller;
      checkAccess(caller, route.access, route.apiKey);
      const params = route.params ? parseInput(route.params, req.params, 'params') : req.params;
      const query = route.query ? parseInput(route.query, req.query, 'query') : req.query;
      const body = route.body ? parseInput(route.body, req.body ?? {}, 'body') : undefined;
      const result = await route.invoke({
        req,
        res,
        caller,
        app,
        log: res.locals['log'] as Logger,
        params,
        query,
        body,
      });
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      if (result.body === undefined) res.status(result.status).end();
      else if (req.method === 'GET' || req.method === 'HEAD') res.status(result.status).json(result.body);
      // Other methods: no ETag (Express hashes every body for one; only a GET is revalidated).
      else res.status(result.status).type('json').end(JSON.stringify(result.body));
    });
  }
  return router;
}
