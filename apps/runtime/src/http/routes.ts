/**
 * Every API route, in one list: mounted by `createApp` and documented in `/openapi.json`.
 */
import { sessionRoutes } from '../auth/session-routes';
import type { Route } from './route';
import { systemRoutes } from './system-routes';

/** All routes of the API. */
export const apiRoutes: readonly Route[] = [...systemRoutes, ...sessionRoutes];
