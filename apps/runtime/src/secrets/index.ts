export {
  createSecretBox, maskSecret, tenantSecretAad, connectionSecretAad, platformSettingAad, SecretDecryptionError, type SecretBox,
} from './secret-box';
export { createTenantSecretStore, type TenantSecretStore, type TenantSecretInfo } from './tenant-secret-store';
export { rotateSecrets, type RotateResult } from './rotate';
export { createLogger, scrubSecrets, SECRET_FIELDS, type CreateLoggerOptions } from './logger';
