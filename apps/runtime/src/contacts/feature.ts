/**
 * The contacts feature: the customers page's API (list, search, edit tags and notes, CSV export).
 * Listed in `featureFactories`.
 */
import type { FeatureFactory } from '../features/index';
import { contactRoutes } from './contact-routes';

/** Plugs the contacts routes into a runtime. */
export const contactsFeature: FeatureFactory = () => ({ name: 'contacts', routes: contactRoutes });
