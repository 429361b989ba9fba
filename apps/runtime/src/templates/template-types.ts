/**
 * The shape of an industry template: a Vietnamese persona, sample FAQ, sample products or
 * services and suggested questions. Templates are data in the runtime (one file per industry in
 * `data/`), checked against {@link industryTemplateSchema} by a test.
 */
import { z } from 'zod';

/** Ids of the industry templates. */
export const TEMPLATE_IDS = ['shop', 'spa', 'restaurant', 'education'] as const;

/** One of {@link TEMPLATE_IDS}. */
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The persona part (field names of the core persona schema). */
export const templatePersonaSchema = z
  .object({
    name: z.string().min(1).max(60),
    tone: z.enum(['friendly', 'professional', 'concise']),
    greeting: z.string().min(1).max(500),
    customInstructions: z.string().min(1).max(2000),
    fallbackText: z.string().min(1).max(500),
  })
  .strict();

/** A sample product or service (price in whole VND). */
export const templateProductSchema = z
  .object({
    sku: z.string().regex(/^MAU-[A-Z]+-\d{2}$/),
    name: z.string().min(1).max(200),
    price_vnd: z.number().int().nonnegative(),
    category: z.string().min(1).max(100),
    description: z.string().min(1).max(1000),
  })
  .strict();

/** One industry template. */
export const industryTemplateSchema = z
  .object({
    id: z.enum(TEMPLATE_IDS),
    name: z.string().min(1),
    name_en: z.string().min(1),
    description: z.string().min(1),
    description_en: z.string().min(1),
    persona: templatePersonaSchema,
    faq: z.array(z.object({ question: z.string().min(1).max(500), answer: z.string().min(1).max(2000) }).strict()).min(8),
    products: z.array(templateProductSchema).min(3),
    suggested_questions: z.array(z.string().min(1).max(120)).min(3).max(6),
  })
  .strict();

/** One industry template. */
export type IndustryTemplate = z.infer<typeof industryTemplateSchema>;
