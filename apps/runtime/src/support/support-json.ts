/** snake_case JSON shapes of the support API (dates as ISO strings) and their zod schemas. */
import { z } from 'zod';
import { ticketStatuses, type TicketDetail, type TicketSummary } from './support-service';

/** A ticket in a list. */
export const ticketSummarySchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  tenant_name: z.string().nullable(),
  subject: z.string(),
  status: z.enum(ticketStatuses),
  message_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
});

/** A ticket with its messages. */
export const ticketDetailSchema = ticketSummarySchema.extend({
  messages: z.array(
    z.object({
      id: z.string(),
      author_kind: z.enum(['tenant', 'platform']),
      author_email: z.string().nullable(),
      body: z.string(),
      created_at: z.string(),
    }),
  ),
});

/** A list answer. */
export const ticketListSchema = z.object({ items: z.array(ticketSummarySchema) });

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/** A ticket summary as the API returns it. */
export function ticketSummaryJson(t: TicketSummary): z.infer<typeof ticketSummarySchema> {
  return {
    id: t.id,
    tenant_id: t.tenantId,
    tenant_name: t.tenantName ?? null,
    subject: t.subject,
    status: t.status,
    message_count: t.messageCount,
    created_at: iso(t.createdAt)!,
    updated_at: iso(t.updatedAt)!,
    closed_at: iso(t.closedAt),
  };
}

/** A ticket with messages as the API returns it. */
export function ticketDetailJson(t: TicketDetail): z.infer<typeof ticketDetailSchema> {
  return {
    ...ticketSummaryJson(t),
    messages: t.messages.map((m) => ({ id: m.id, author_kind: m.authorKind, author_email: m.authorEmail, body: m.body, created_at: iso(m.createdAt)! })),
  };
}

/** Bodies: a subject of 3–200 characters and a message of 1–10,000. */
export const subjectSchema = z.string().trim().min(3).max(200);
export const messageBodySchema = z.string().trim().min(1).max(10_000);
