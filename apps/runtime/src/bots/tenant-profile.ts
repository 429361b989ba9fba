/**
 * Persona and limits from `tenants.settings` (`persona` as the dashboard saves it through
 * PATCH /v1/tenant, `limits` for the answer length cap and tier), read leniently: a damaged field
 * falls back to its default instead of breaking the bot.
 */
import { limitsSchema, personaSchema, type Limits, type Persona } from '@agent-chatbot/core';

function lenient<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const input = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  const whole = schema.safeParse(input);
  if (whole.success) return whole.data;
  // Drop the fields that do not parse, one at a time.
  for (const key of Object.keys(input)) {
    const attempt = schema.safeParse({ [key]: input[key] });
    if (!attempt.success) delete input[key];
  }
  const kept = schema.safeParse(input);
  if (kept.success) return kept.data;
  const empty = schema.safeParse({});
  if (!empty.success) throw new Error('schema defaults do not parse');
  return empty.data;
}

/** The tenant's persona; the shop name is the business name unless the persona sets one. */
export function personaOf(settings: Record<string, unknown>, tenantName: string): Persona {
  const persona = lenient<Persona>(personaSchema, settings['persona']);
  return persona.businessName ? persona : { ...persona, businessName: tenantName.slice(0, 120) };
}

/** The tenant's limits (answer length cap, tier, …). */
export function limitsOf(settings: Record<string, unknown>): Limits {
  return lenient<Limits>(limitsSchema, settings['limits']);
}
