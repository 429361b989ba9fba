/**
 * Runtime features: each product area (channels, conversations, knowledge, billing, widget,
 * operations) plugs into the runtime through one {@link RuntimeFeature}, built from the full
 * runtime by a factory listed in {@link featureFactories}. `serve` mounts their routes and raw
 * routers and registers their jobs; `worker` registers their jobs only.
 */
import type { Router } from 'express';
import { botFeature } from '../bots/bot-feature';
import { createChannelsFeature } from '../channels/index';
import { createBillingFeature } from '../billing/billing-feature';
import { knowledgeFeature } from '../knowledge/feature';
import { widgetFeature } from '../widget/index';
import { supportFeature } from '../support/feature';
import { onboardingFeature } from '../templates/feature';
import { brandingFeature } from '../branding/feature';
import { analyticsFeature } from '../analytics/feature';
import { contactsFeature } from '../contacts/feature';
import { platformLlmFeature } from '../llm/platform-llm-feature';
import { createInboxFeature } from '../inbox/index';
import type { Route } from '../http/route';
import type { Runtime } from '../runtime';

/** What one product area adds to the runtime. Every member is optional. */
export interface RuntimeFeature {
  readonly name: string;
  /** JSON API routes: validated, authenticated through the one door and documented in OpenAPI. */
  readonly routes?: readonly Route[];
  /**
   * A router for requests that must not go through JSON parsing (webhooks needing the raw bytes,
   * SSE streams, multipart uploads, static assets). Mounted before the JSON body parser.
   */
  readonly rawRouter?: Router;
  /** Declares job handlers; called before `jobs.start()` in `serve` and `worker`. */
  registerJobs?(): void;
  /** Creates cron schedules; called after `jobs.start()`. */
  scheduleJobs?(): Promise<void>;
  /** Releases what the feature opened (connections, timers); called on shutdown. */
  close?(): Promise<void>;
}

/** Builds a feature from the process's runtime. Cheap and synchronous: no I/O. */
export type FeatureFactory = (runtime: Runtime) => RuntimeFeature;

/** Every feature of the product, in mount order. Add a line here to plug a new area in. */
export const featureFactories: readonly FeatureFactory[] = [
  botFeature,
  platformLlmFeature,
  (runtime) => createChannelsFeature(runtime),
  createBillingFeature,
  knowledgeFeature,
  widgetFeature,
  supportFeature,
  onboardingFeature,
  brandingFeature,
  analyticsFeature,
  contactsFeature,
  (runtime) => createInboxFeature(runtime),
];

/** Builds every feature for one runtime. */
export function createFeatures(runtime: Runtime, factories: readonly FeatureFactory[] = featureFactories): RuntimeFeature[] {
  return factories.map((factory) => factory(runtime));
}

/** Registers every feature's jobs (before `jobs.start()`). */
export function registerFeatureJobs(features: readonly RuntimeFeature[]): void {
  for (const feature of features) feature.registerJobs?.();
}

/** Creates every feature's schedules (after `jobs.start()`). */
export async function scheduleFeatureJobs(features: readonly RuntimeFeature[]): Promise<void> {
  for (const feature of features) await feature.scheduleJobs?.();
}

/** Closes every feature, reporting but not throwing on failures. */
export async function closeFeatures(features: readonly RuntimeFeature[], onError: (error: unknown) => void): Promise<void> {
  for (const feature of [...features].reverse()) await feature.close?.().catch(onError);
}
