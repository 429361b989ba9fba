/** Shapes of the onboarding, channel, widget and white-label APIs, picked from the generated types. */
import type { paths } from '../../api/generated/openapi';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** One channel connection with its health (`GET /v1/tenant/channels`). */
export type Channel = Json<paths['/v1/tenant/channels']['get']['responses'][200]>['items'][number];
/** A provider channel type. */
export type ChannelType = Channel['type'];
/** The result of `POST /v1/tenant/channels/{id}/test`. */
export type ChannelTest = Json<paths['/v1/tenant/channels/{id}/test']['post']['responses'][200]>;
/** An industry template (`GET /v1/templates`). */
export type Template = Json<paths['/v1/templates']['get']['responses'][200]>['items'][number];
/** The result of applying a template. */
export type TemplateApplied = Json<paths['/v1/tenant/templates/{id}/apply']['post']['responses'][200]>;
/** The wizard's state (`GET /v1/tenant/onboarding`). */
export type OnboardingState = Json<paths['/v1/tenant/onboarding']['get']['responses'][200]>;
/** The website widget settings (`GET /v1/tenant/widget`). */
export type Widget = Json<paths['/v1/tenant/widget']['get']['responses'][200]>;
/** The body of `PUT /v1/tenant/widget`. */
export type WidgetUpdate = NonNullable<paths['/v1/tenant/widget']['put']['requestBody']>['content']['application/json'];
/** White-label settings (`GET /v1/tenant/white-label`). */
export type WhiteLabel = Json<paths['/v1/tenant/white-label']['get']['responses'][200]>;
/** The body of `PUT /v1/tenant/white-label`. */
export type WhiteLabelUpdate = NonNullable<paths['/v1/tenant/white-label']['put']['requestBody']>['content']['application/json'];
/** LLM settings (`GET /v1/tenant/llm`). */
export type LlmSettings = Json<paths['/v1/tenant/llm']['get']['responses'][200]>;
/** One test-chat answer. */
export type TestChatAnswer = Json<paths['/v1/tenant/test-chat']['post']['responses'][200]>;

/** Query keys of these pages. */
export const onboardingKeys = {
  state: ['tenant', 'onboarding'] as const,
  templates: ['templates'] as const,
  channels: ['tenant', 'channels'] as const,
  widget: ['tenant', 'widget'] as const,
  whiteLabel: ['tenant', 'white-label'] as const,
  llm: ['tenant', 'llm'] as const,
};
