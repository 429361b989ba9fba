/**
 * The `support` runtime feature: support tickets (tenants open them from the dashboard, platform
 * admins answer) and the platform console's views (system health; the platform LLM key: read,
 * saved and removed by a platform admin).
 */
import type { FeatureFactory } from '../features/index';
import { adminSupportRoutes } from './admin-support-routes';
import { platformConsoleRoutes } from './platform-console-routes';
import { supportRoutes } from './support-routes';

/** Plugs support into a runtime (listed in `featureFactories`). */
export const supportFeature: FeatureFactory = (runtime) => ({
  name: 'support',
  routes: [...supportRoutes(runtime), ...adminSupportRoutes(runtime), ...platformConsoleRoutes(runtime)],
});
