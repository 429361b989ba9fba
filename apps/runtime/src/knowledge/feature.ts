/**
 * The knowledge feature: documents, FAQ and product routes, the progress event stream, the
 * `knowledge.ingest` / `knowledge.reindex` jobs, and the bots' `retrieverForTenant`.
 */
import { billingOf } from '../billing/billing-service';
import { configureTenantBots } from '../bots/tenant-bot';
import type { FeatureFactory } from '../features/index';
import { catalogRoutes } from './catalog-routes';
import { documentRoutes } from './document-routes';
import { embeddingRoutes } from './embedding-routes';
import { knowledgeEventsRouter } from './events-router';
import { registerKnowledgeJobs } from './jobs';
import { retrieverForTenant } from './search';
import { knowledgeServiceFor } from './service';

/** Plugs knowledge into a runtime (listed in `featureFactories`). */
export const knowledgeFeature: FeatureFactory = (runtime) => {
  const service = knowledgeServiceFor({
    config: runtime.config,
    db: runtime.db,
    pubsub: runtime.pubsub,
    logger: runtime.logger,
    secrets: runtime.secrets,
    // Embedding tokens go through the billing meter (usage_events + the tenant's spend).
    recordUsage: async (event) => {
      await billingOf(runtime).meter.record(event);
    },
  });
  configureTenantBots(runtime, { retrieverForTenant: (tenantId) => retrieverForTenant(service, tenantId) });
  return {
    name: 'knowledge',
    routes: [...documentRoutes(service, runtime.jobs), ...catalogRoutes(service), ...embeddingRoutes(service, runtime.jobs)],
    rawRouter: knowledgeEventsRouter(service, { jwtSecret: runtime.config.jwtSecret, logger: runtime.logger }),
    registerJobs: () => registerKnowledgeJobs(runtime.jobs, service),
    close: () => service.close(),
  };
};
