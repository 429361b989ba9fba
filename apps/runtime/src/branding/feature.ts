/** The white-label feature: `GET/PUT /v1/tenant/white-label` and `GET /v1/public/branding`. */
import type { FeatureFactory } from '../features/index';
import { whiteLabelRoutes } from './white-label-routes';

/** Plugs white-label branding into a runtime (listed in `featureFactories`). */
export const brandingFeature: FeatureFactory = () => ({ name: 'branding', routes: whiteLabelRoutes });
