/** Query keys shared by pages that read and change the same data. */

/** React Query keys. */
export const queryKeys = {
  tenant: ['tenant'] as const,
  members: ['tenant', 'members'] as const,
  invitations: ['tenant', 'invitations'] as const,
  apiKeys: ['tenant', 'api-keys'] as const,
  secrets: ['tenant', 'secrets'] as const,
  auditLog: ['tenant', 'audit-log'] as const,
  adminTenants: (status: string) => ['admin', 'tenants', status] as const,
};
