/**
 * The answering feature: LLM settings, test chat, conversations, and the OpenAI-compatible API.
 * Channels call {@link answerForTenant} from their jobs; knowledge and billing plug in through
 * `configureTenantBots`.
 */
import type { FeatureFactory } from '../features/index';
import { conversationRoutes } from '../conversations/conversation-routes';
import { llmRoutes } from '../llm/llm-routes';
import { openAiCompatRoutes } from './openai-compat-routes';
import { testChatRoutes } from './test-chat-routes';
import { tenantBotsIdle } from './tenant-bot';

/** Builds the answering feature. */
export const botFeature: FeatureFactory = (runtime) => ({
  name: 'bots',
  routes: [...llmRoutes, ...testChatRoutes(runtime), ...conversationRoutes, ...openAiCompatRoutes(runtime)],
  async close() {
    // Usage rows and summary refreshes started by the last answers finish before the database closes.
    await tenantBotsIdle(runtime);
  },
});
