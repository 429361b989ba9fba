/**
 * Conversion tracking links. A tenant creates a link to its own page (order form, product page,
 * booking); the bot or an agent sends its short URL `<public url>/l/<code>`, optionally with
 * `?c=<conversation id>` (and `&k=<contact id>`) so the click is attributed. `GET /l/:code` is
 * public: it records one click in the link's tenant and answers 302 to the target URL.
 */
import { randomBytes } from 'node:crypto';
import { NotFoundError } from '@agent-chatbot/core';
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db, Tx } from '../db/types';

/** A link as the API returns it. */
export const trackedLinkSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  target_url: z.string(),
  /** The short URL to send to customers. */
  url: z.string(),
  clicks: z.number().int(),
  last_clicked_at: z.string().nullable(),
  created_at: z.string(),
});

/** What {@link trackedLinkSchema} describes. */
export type TrackedLinkJson = z.infer<typeof trackedLinkSchema>;

/** The body of `POST /v1/tenant/tracked-links`. */
export const createLinkBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    target_url: z
      .url({ protocol: /^https?$/, message: 'Enter an http(s) URL · Nhập địa chỉ http(s)' })
      .max(2000)
      .meta({ description: 'Trang đích (http/https) · target page (http/https)' }),
  })
  .strict();

interface LinkRow {
  id: string;
  code: string;
  name: string;
  target_url: string;
  created_at: Date;
  clicks: number;
  last_clicked_at: Date | null;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A fresh random short code (8 characters, no look-alikes). */
export function newLinkCode(): string {
  const bytes = randomBytes(8);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The public short URL of a code. */
export const linkUrl = (publicUrl: string, code: string): string => `${publicUrl.replace(/\/+$/, '')}/l/${code}`;

const linkJson = (publicUrl: string, row: LinkRow): TrackedLinkJson => ({
  id: row.id,
  code: row.code,
  name: row.name,
  target_url: row.target_url,
  url: linkUrl(publicUrl, row.code),
  clicks: Number(row.clicks),
  last_clicked_at: row.last_clicked_at === null ? null : new Date(row.last_clicked_at).toISOString(),
  created_at: new Date(row.created_at).toISOString(),
});

const SELECT_LINKS = `SELECT l.id, l.code, l.name, l.target_url, l.created_at,
    (SELECT count(*)::int FROM link_clicks c WHERE c.link_id = l.id) AS clicks,
    (SELECT max(c.clicked_at) FROM link_clicks c WHERE c.link_id = l.id) AS last_clicked_at
  FROM tracked_links l`;

/** The tenant's links, newest first, with their click counts. */
export async function listLinks(tx: Tx, publicUrl: string): Promise<TrackedLinkJson[]> {
  const { rows } = await tx.query<LinkRow>(`${SELECT_LINKS} ORDER BY l.created_at DESC, l.id LIMIT 500`);
  return rows.map((row) => linkJson(publicUrl, row));
}

/** Creates a link with a fresh code in the transaction's tenant. */
export async function createLink(
  tx: Tx,
  tenantId: string,
  input: z.output<typeof createLinkBody>,
  createdBy: string | null,
  publicUrl: string,
): Promise<TrackedLinkJson> {
  for (let attempt = 0; ; attempt += 1) {
    const code = newLinkCode();
    const { rows } = await tx.query<LinkRow>(
      `INSERT INTO tracked_links (tenant_id, code, name, target_url, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO NOTHING
       RETURNING id, code, name, target_url, created_at, 0 AS clicks, NULL::timestamptz AS last_clicked_at`,
      [tenantId, code, input.name, input.target_url, createdBy],
    );
    if (rows[0]) return linkJson(publicUrl, rows[0]);
    if (attempt >= 5) throw new Error('Could not allocate a tracked link code');
  }
}

/** Deletes a link and its clicks; a 404 when the tenant has no such link. */
export async function deleteLink(tx: Tx, id: string): Promise<void> {
  const { rowCount } = await tx.query('DELETE FROM tracked_links WHERE id = $1', [id]);
  if (rowCount === 0) throw new NotFoundError('Tracked link not found', 'Không tìm thấy liên kết theo dõi');
}

const uuid = z.uuid();
const codePattern = /^[A-Za-z0-9]{6,32}$/;

/** What the redirect did (for tests and logs). */
export interface ClickResult {
  tenantId: string;
  linkId: string;
  targetUrl: string;
}

/**
 * Records one click on `code` (attributing it to the conversation / contact when they are the
 * tenant's own) and returns where to go; undefined for an unknown code or a tenant that is not active.
 */
export async function recordClick(
  db: Db,
  code: string,
  attribution: { conversationId?: string; contactId?: string; userAgent?: string },
): Promise<ClickResult | undefined> {
  if (!codePattern.test(code)) return undefined;
  const found = await db.anonymous(async (tx) =>
    (await tx.query<{ tenant_id: string; link_id: string; target_url: string; tenant_status: string }>('SELECT * FROM app.tenant_for_link_code($1)', [code])).rows[0],
  );
  if (!found || found.tenant_status !== 'active') return undefined;
  const conversationId = attribution.conversationId && uuid.safeParse(attribution.conversationId).success ? attribution.conversationId : null;
  const contactId = attribution.contactId && uuid.safeParse(attribution.contactId).success ? attribution.contactId : null;
  await db.tenant(found.tenant_id, async (tx) => {
    // Row-level security: another tenant's conversation or contact is simply not found → null.
    await tx.query(
      `INSERT INTO link_clicks (tenant_id, link_id, conversation_id, contact_id, user_agent)
       VALUES ($1, $2,
         (SELECT id FROM conversations WHERE id = $3::uuid),
         coalesce((SELECT id FROM contacts WHERE id = $4::uuid), (SELECT contact_id FROM conversations WHERE id = $3::uuid)),
         $5)`,
      [found.tenant_id, found.link_id, conversationId, contactId, attribution.userAgent?.slice(0, 500) ?? null],
    );
  });
  return { tenantId: found.tenant_id, linkId: found.link_id, targetUrl: found.target_url };
}

/** `GET /l/:code`: public, records the click and redirects (302); 404 page for unknown codes. */
export function trackedLinkRouter(db: Db, logger?: Logger): Router {
  const router = Router();
  router.get('/l/:code', async (req: Request, res: Response) => {
    const first = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    const result = await recordClick(db, String(req.params.code ?? ''), {
      conversationId: first(req.query.c),
      contactId: first(req.query.k),
      userAgent: req.get('user-agent'),
    });
    res.setHeader('Cache-Control', 'no-store');
    if (!result) {
      res.status(404).type('text/plain; charset=utf-8').send('Liên kết không tồn tại hoặc đã bị xoá.\nThis link does not exist or was removed.\n');
      return;
    }
    logger?.debug({ tenantId: result.tenantId, linkId: result.linkId }, 'tracked link click');
    res.redirect(302, result.targetUrl);
  });
  return router;
}
