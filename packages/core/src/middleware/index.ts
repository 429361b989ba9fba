export type { LanguageModelV1Middleware } from './language-model-middleware';
export { wrapLanguageModel } from './wrap-language-model';
export {
  meteringMiddleware,
  providerName,
  usageCostVnd,
  type MeteringMiddlewareOptions,
  type MeteredUsage,
} from './metering-middleware';
