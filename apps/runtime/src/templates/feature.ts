/**
 * The onboarding feature: industry templates (`GET /v1/templates`, `POST
 * /v1/tenant/templates/:id/apply`) and the wizard's state (`GET/PUT /v1/tenant/onboarding`).
 */
import type { FeatureFactory } from '../features/index';
import { knowledgeServiceFor } from '../knowledge/service';
import { onboardingRoutes } from './onboarding-routes';
import { templateRoutes } from './template-routes';

/** Plugs templates and onboarding into a runtime (listed in `featureFactories`). */
export const onboardingFeature: FeatureFactory = (runtime) => {
  // The same per-database service the knowledge feature uses (created by whichever asks first).
  const service = knowledgeServiceFor({ config: runtime.config, db: runtime.db, pubsub: runtime.pubsub, logger: runtime.logger });
  return { name: 'onboarding', routes: [...templateRoutes(service), ...onboardingRoutes] };
};
