export {
  createTenantWithAdmin, listTenants, getTenant, setTenantStatus, type TenantSummary, type NewTenant, type Actor,
} from './tenant-service';
export {
  createApiKey, insertApiKey, listApiKeys, revokeApiKey, resolveApiKey, hashApiKey, generateApiKey, API_KEY_PREFIX, type ApiKeySummary,
} from './api-key-service';
export { slugify, assertSlug, SLUG_PATTERN } from './slug';
