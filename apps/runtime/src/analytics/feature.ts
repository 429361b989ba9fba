/**
 * The analytics feature: the aggregation routes behind the dashboard's Analytics page, tracked
 * links (`/v1/tenant/tracked-links`) and their public redirect `GET /l/:code`.
 */
import type { FeatureFactory } from '../features/index';
import { knowledgeServiceFor } from '../knowledge/service';
import { analyticsRoutes } from './analytics-routes';
import { trackedLinkRouter } from './tracked-links';

/** Plugs analytics into a runtime (listed in `featureFactories`). */
export const analyticsFeature: FeatureFactory = (runtime) => {
  // The same (memoised) knowledge service the knowledge feature uses: "add to FAQ" indexes at once.
  const knowledge = knowledgeServiceFor({ config: runtime.config, db: runtime.db, pubsub: runtime.pubsub, logger: runtime.logger });
  return {
    name: 'analytics',
    routes: analyticsRoutes(knowledge),
    rawRouter: trackedLinkRouter(runtime.db, runtime.logger),
  };
};
