export { createProviderRegistry, type ProviderRegistry, type RegistryModelId } from './create-provider-registry';
