/**
 * The channels a shop can connect, the credentials each provider's console gives (the config keys
 * of the channel packages) and where its short Vietnamese/English guide lives in the locales
 * (`channels.guides.<type>.steps`).
 */
import type { ChannelType } from '../onboarding/api-types';

/** One credential field of a provider. */
export interface ProviderField {
  /** The config key the runtime expects. */
  key: string;
  /** Secret values are typed into password fields and only ever shown masked afterwards. */
  secret: boolean;
  /** Required when adding; optional fields may be left empty. */
  required: boolean;
  /** Digits only (Zalo app/OA ids, Facebook page id). */
  numeric?: boolean;
}

/** A provider channel and its fields. */
export interface ProviderInfo {
  type: ChannelType;
  fields: readonly ProviderField[];
  /** Number of guide steps in the locales. */
  guideSteps: number;
}

const secret = (key: string, required = true): ProviderField => ({ key, secret: true, required });
const id = (key: string): ProviderField => ({ key, secret: false, required: true, numeric: true });

/** Zalo OA, Messenger, Telegram and LINE, in the order the wizard shows them. */
export const providers: readonly ProviderInfo[] = [
  { type: 'zalo', fields: [id('app_id'), secret('app_secret'), id('oa_id'), secret('oa_secret_key'), secret('access_token'), secret('refresh_token', false)], guideSteps: 4 },
  { type: 'messenger', fields: [id('page_id'), secret('page_access_token'), secret('app_secret')], guideSteps: 4 },
  { type: 'telegram', fields: [secret('bot_token')], guideSteps: 3 },
  { type: 'line', fields: [secret('channel_secret'), secret('channel_access_token')], guideSteps: 4 },
];

/** The provider of a type. */
export function providerOf(type: ChannelType): ProviderInfo {
  return providers.find((p) => p.type === type) ?? providers[0]!;
}
