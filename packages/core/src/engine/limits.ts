import { z } from 'zod';

const bucketSchema = z.object({ capacity: z.number().positive(), refillPerSecond: z.number().nonnegative() }).strict();

/** Cost and context limits of a tenant's bot; every field has a sensible default. */
export const limitsSchema = z
  .object({
    /** The tenant's chosen tier: premium sends every model answer to the premium model. */
    tier: z.enum(['cheap', 'premium']).default('cheap'),
    /** Response length cap handed to the model. */
    maxOutputTokens: z.number().int().min(16).max(4096).default(350),
    /** Hard cap on the answer's characters (trimmed at a sentence boundary). */
    maxAnswerChars: z.number().int().min(40).max(8000).default(1200),
    /** Chunks retrieved and put in the prompt. */
    topK: z.number().int().min(1).max(10).default(3),
    /** Token budget for all retrieved text in the prompt. */
    contextTokens: z.number().int().min(50).max(8000).default(450),
    /** Recent messages sent verbatim. */
    historyMessages: z.number().int().min(0).max(20).default(4),
    /** Refresh the running summary once this many messages fell out of the recent window. */
    summaryEvery: z.number().int().min(2).max(100).default(6),
    /** Answer cache lifetime. */
    cacheTtlMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
    /** Token-set similarity at which two questions count as the same (semantic cache). */
    semanticCacheThreshold: z.number().min(0.5).max(1).default(0.8),
    /** Cosine similarity for the semantic cache when an embedding model is configured. */
    embeddingCacheThreshold: z.number().min(0.5).max(1).default(0.95),
    /** How closely a question must match one FAQ entry to answer it without a model. */
    faqConfidence: z.number().min(0).max(1).default(0.75),
    /**
     * Share of the question's topic words a chunk must contain to count as relevant. Kept low: a
     * missed answer hurts more than a model call that ends in the fallback marker.
     */
    relevanceThreshold: z.number().min(0).max(1).default(0.2),
    /** The stricter bar for answering without a model (no second opinion then). */
    noModelRelevance: z.number().min(0).max(1).default(0.5),
    /** Questions longer than this (characters) go to the premium model. */
    longQuestionChars: z.number().int().positive().default(240),
    /** Fallbacks in a row that hand the conversation to a person. */
    fallbacksBeforeHandoff: z.number().int().min(1).max(10).default(2),
    /** Token buckets per tenant and per contact (needs a rate limiter). */
    rateLimit: z.object({ perTenant: bucketSchema.optional(), perContact: bucketSchema.optional() }).strict().optional(),
  })
  .strict();

/** Limits as given (every field optional). */
export type LimitsInput = z.input<typeof limitsSchema>;
/** Limits with defaults applied. */
export type Limits = z.output<typeof limitsSchema>;
