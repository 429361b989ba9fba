/**
 * The `platform-llm` runtime feature: plugs the platform admin's saved platform LLM account
 * (see `platform-llm-store.ts`) into the tenant bots, so every process rebuilds the model chains
 * of tenants on platform credits after a change, without a restart. The admin routes live with
 * the platform console (`support/platform-console-routes.ts`).
 */
import { configureTenantBots } from '../bots/tenant-bot';
import type { FeatureFactory } from '../features/index';
import { platformLlmSource } from './platform-llm-store';

/** Plugs the platform LLM setting into a runtime (listed in `featureFactories`). No I/O here. */
export const platformLlmFeature: FeatureFactory = (runtime) => {
  const source = platformLlmSource(runtime);
  configureTenantBots(runtime, { platformLlmSource: () => source.current() });
  return {
    name: 'platform-llm',
    async close() {
      await source.close();
    },
  };
};
