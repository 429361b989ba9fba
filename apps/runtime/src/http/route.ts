/**
 * One definition per route: method, path, who may call it, its zod schemas and its handler. The
 * same object validates requests (see `mount-routes.ts`) and generates the OpenAPI document (see
 * `../openapi/document.ts`), so the two can never disagree.
 */
import type { Request, Response } from 'express';
import type { ZodType, z } from 'zod';
import type { Logger } from 'pino';
import type { Caller, TenantCaller, UserCaller } from '../auth/caller';
import type { AppContext } from './context';

/** HTTP methods the API uses. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route:
 * - `public`: anyone (sign-up, login, health);
 * - `user`: any signed-in person (`/v1/me`);
 * - `tenant-member`: a member of the tenant acting for it (any role; API keys when `apiKey`);
 * - `tenant-admin`: a tenant-admin of that tenant (a tenant-agent gets 403);
 * - `platform-admin`: the platform operator.
 */
export type Access = 'public' | 'user' | 'tenant-member' | 'tenant-admin' | 'platform-admin';

/** The caller a handler receives for each {@link Access}. */
export type CallerFor<A extends Access> = A extends 'public'
  ? Caller | null
  : A extends 'user' | 'platform-admin'
    ? UserCaller
    : TenantCaller;

/** One documented response. */
export interface ResponseSpec {
  description: string;
  schema?: ZodType;
}

/** What a handler answers: status, JSON body (omitted for 204) and extra headers. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Everything a handler gets, already authenticated and validated. */
export interface HandlerContext<P, Q, B, C> {
  params: P;
  query: Q;
  body: B;
  caller: C;
  app: AppContext;
  req: Request;
  res: Response;
  log: Logger;
}

/** A route as written by its author (typed by its schemas). */
export interface RouteSpec<A extends Access, P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: HttpMethod;
  /** Express-style path (`/v1/tenant/members/:userId`); converted to `{userId}` for OpenAPI. */
  path: string;
  /** Short bilingual summary, Vietnamese first: `Đăng nhập · Log in`. */
  summary: string;
  description?: string;
  tags: readonly string[];
  access: A;
  /** Whether a tenant API key may call this tenant route (default: no, people only). */
  apiKey?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>, CallerFor<A>>) => Promise<RouteResult>;
}

/** The raw inputs the mounting code hands a route after authentication. */
export interface RawInvocation {
  req: Request;
  res: Response;
  caller: Caller | null;
  app: AppContext;
  log: Logger;
  params: unknown;
  query: unknown;
  body: unknown;
}

/** A route with its types erased, ready to mount and document. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly apiKey: boolean;
  readonly params: ZodType | undefined;
  readonly query: ZodType | undefined;
  readonly body: ZodType | undefined;
  readonly responses: Record<number, ResponseSpec>;
  /** Runs the handler on inputs already validated by the mounting code. */
  readonly invoke: (input: RawInvocation) => Promise<RouteResult>;
}

/**
 * Defines one route.
 *
 * @example
 * export const getTenant = defineRoute({
 *   method: 'get', path: '/v1/tenant', summary: 'Xem cửa hàng · Get tenant', tags: ['tenant'],
 *   access: 'tenant-member', responses: { 200: { description: 'OK', schema: tenantSchema } },
 *   handler: async ({ caller, app }) => ({ status: 200, body: await load(app, caller.tenantId) }),
 * });
 */
export function defineRoute<
  A extends Access,
  P extends ZodType = ZodType<unknown>,
  Q extends ZodType = ZodType<unknown>,
  B extends ZodType = ZodType<unknown>,
>(spec: RouteSpec<A, P, Q, B>): Route {
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    access: spec.access,
    apiKey: spec.apiKey ?? false,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    responses: spec.responses,
    // The mounting code checked access before calling, so the caller has the shape CallerFor<A>.
    invoke: (input) =>
      spec.handler({
        ...input,
        params: input.params as z.output<P>,
        query: input.query as z.output<Q>,
        body: input.body as z.output<B>,
        caller: input.caller as CallerFor<A>,
      }),
  };
}
