/**
 * Named shapes of the API, picked from the generated OpenAPI types so they follow the runtime.
 */
import type { components, paths } from './generated/openapi';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The bilingual error body every failed request answers with. */
export type ErrorBody = components['schemas']['Error'];
/** Login, sign-up and invitation acceptance answer this. */
export type SessionResponse = Json<paths['/v1/auth/login']['post']['responses'][200]>;
/** The token pair of a refresh. */
export type TokenPair = Json<paths['/v1/auth/refresh']['post']['responses'][200]>;
/** `GET /v1/me`. */
export type Me = Json<paths['/v1/me']['get']['responses'][200]>;
/** The signed-in person. */
export type User = SessionResponse['user'];
/** One tenant membership of the signed-in person. */
export type Membership = SessionResponse['tenants'][number];
/** A membership role. */
export type Role = Membership['role'];
/** `GET /v1/tenant`. */
export type Tenant = Json<paths['/v1/tenant']['get']['responses'][200]>;
/** One member of the tenant. */
export type Member = Json<paths['/v1/tenant/members']['get']['responses'][200]>['items'][number];
/** One invitation. */
export type Invitation = Json<paths['/v1/tenant/invitations']['get']['responses'][200]>['items'][number];
/** One API key (prefix only). */
export type ApiKey = Json<paths['/v1/tenant/api-keys']['get']['responses'][200]>['items'][number];
/** A just-created API key, the only time `key` is visible. */
export type CreatedApiKey = Json<paths['/v1/tenant/api-keys']['post']['responses'][201]>;
/** One stored secret (mask only). */
export type SecretInfo = Json<paths['/v1/tenant/secrets']['get']['responses'][200]>['items'][number];
/** One tenant in the platform-admin list. */
export type AdminTenant = Json<paths['/v1/admin/tenants']['get']['responses'][200]>['items'][number];
/** One audit-log entry. */
export type AuditEntry = Json<paths['/v1/tenant/audit-log']['get']['responses'][200]>['items'][number];
