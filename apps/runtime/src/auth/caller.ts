/**
 * Who is calling. Dashboard users (JWT), tenant API keys and, later, widget visitors and webhooks
 * are different kinds of caller (ARCHITECTURE §6); every tenant route acts for exactly the tenant
 * its caller resolved to, and nothing else.
 */

/** The roles a membership can carry. */
export const tenantRoles = ['tenant-admin', 'tenant-agent'] as const;
/** A role inside one tenant. */
export type TenantRole = (typeof tenantRoles)[number];

/** A person signed in with an access token. `tenantId` is null for a platform admin with no tenant. */
export interface UserCaller {
  readonly kind: 'user';
  readonly userId: string;
  readonly email: string;
  readonly platformAdmin: boolean;
  readonly tenantId: string | null;
  readonly role: TenantRole | null;
  /** The refresh-token family the access token was issued from; logout revokes it. */
  readonly sessionFamilyId: string;
  readonly tokenId: string;
  /** The acting tenant is suspended: tenant routes answer 403. */
  readonly tenantSuspended: boolean;
}

/** A program calling with a tenant API key (`Authorization: Bearer ack_…`). */
export interface ApiKeyCaller {
  readonly kind: 'api_key';
  readonly apiKeyId: string;
  readonly tenantId: string;
  readonly role: null;
  readonly platformAdmin: false;
  readonly tenantSuspended: boolean;
}

/** Any authenticated caller. */
export type Caller = UserCaller | ApiKeyCaller;

/** A caller that acts for a tenant (what every `/v1/tenant/…` handler receives). */
export type TenantCaller = (UserCaller & { readonly tenantId: string; readonly role: TenantRole }) | ApiKeyCaller;

/** The id written to `audit_log.actor_user_id` (null for API keys). */
export function actorOf(caller: Caller): { actorUserId: string | null; actorKind: 'user' | 'api_key' } {
  return caller.kind === 'user'
    ? { actorUserId: caller.userId, actorKind: 'user' }
    : { actorUserId: null, actorKind: 'api_key' };
}
