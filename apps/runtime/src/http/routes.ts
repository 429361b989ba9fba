/**
 * Every API route, in one list: mounted by `createApp` and documented in `/openapi.json`.
 */
import { invitationRoutes } from '../auth/invitation-routes';
import { passwordRoutes } from '../auth/password-routes';
import { sessionRoutes } from '../auth/session-routes';
import { signupRoute } from '../auth/signup-route';
import { adminRoutes } from './admin-routes';
import { apiKeyRoutes } from './api-key-routes';
import { memberRoutes } from './member-routes';
import type { Route } from './route';
import { secretRoutes } from './secret-routes';
import { systemRoutes } from './system-routes';
import { tenantRoutes } from './tenant-routes';

/** All routes of the API. */
export const apiRoutes: readonly Route[] = [
  ...systemRoutes,
  signupRoute,
  ...sessionRoutes,
  ...passwordRoutes,
  ...invitationRoutes,
  ...tenantRoutes,
  ...memberRoutes,
  ...apiKeyRoutes,
  ...secretRoutes,
  ...adminRoutes,
];
