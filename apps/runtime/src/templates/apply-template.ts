/**
 * Applying an industry template to a tenant, in one transaction: the persona is merged into
 * `settings.persona` (the shop's own business name is kept), the suggested questions and the
 * template id are stored in the settings, FAQ entries are inserted unless the tenant already has
 * an entry with the same question, and products are upserted by their template SKU
 * (`MAU-SPA-01`). Applying twice therefore adds nothing the second time. After the commit the
 * template's FAQ entries and products are (re)indexed, so they are searchable when this returns.
 */
import type { Tx } from '../db/types';
import { insertFaq, toRagProduct, upsertProducts, type FaqRecord, type ProductRecord } from '../knowledge/faq-product-rows';
import type { KnowledgeService } from '../knowledge/service';
import { templateTag } from './catalog';
import type { IndustryTemplate } from './template-types';

/** What applying a template did. */
export interface ApplyTemplateResult {
  readonly templateId: string;
  /** FAQ entries inserted now. */
  readonly faqAdded: number;
  /** FAQ entries skipped because the tenant already had that question. */
  readonly faqSkipped: number;
  /** Products inserted or updated (by SKU). */
  readonly products: number;
  readonly suggestedQuestions: readonly string[];
}

const FAQ_COLUMNS = 'id, question, answer, tags, document_id, created_at, updated_at';

/** The tenant's FAQ entries whose question is one of `questions` (compared trimmed, case-folded). */
async function existingQuestions(tx: Tx, questions: readonly string[]): Promise<Map<string, FaqRecord>> {
  const { rows } = await tx.query<{ id: string; question: string; answer: string; tags: string[] | null; document_id: string | null; created_at: Date; updated_at: Date }>(
    `SELECT ${FAQ_COLUMNS} FROM faq_entries WHERE lower(btrim(question)) = ANY($1::text[])`,
    [questions.map(fold)],
  );
  return new Map(
    rows.map((r) => [
      fold(r.question),
      { id: r.id, question: r.question, answer: r.answer, tags: r.tags ?? [], documentId: r.document_id, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) },
    ]),
  );
}

const fold = (question: string): string => question.normalize('NFC').trim().toLowerCase();

/** Applies `template` to the tenant (see the module comment). */
export async function applyTemplate(
  service: KnowledgeService,
  tenantId: string,
  template: IndustryTemplate,
  audit?: (tx: Tx, details: { faqAdded: number; products: number }) => Promise<void>,
): Promise<ApplyTemplateResult> {
  const { added, existing, products } = await service.db.tenant(tenantId, async (tx) => {
    // Serialises concurrent applies of one tenant: the second sees the first one's entries.
    await tx.query('SELECT id FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
    await tx.query(
      `UPDATE tenants SET settings = settings
         || jsonb_build_object('persona', coalesce(settings->'persona', '{}'::jsonb) || $2::jsonb)
         || jsonb_build_object('suggested_questions', $3::jsonb)
         || jsonb_build_object('template', jsonb_build_object('id', $4::text, 'applied_at', now())),
         config_version = config_version + 1, updated_at = now()
       WHERE id = $1`,
      [tenantId, JSON.stringify(template.persona), JSON.stringify(template.suggested_questions), template.id],
    );
    const found = await existingQuestions(tx, template.faq.map((f) => f.question));
    const fresh = template.faq.filter((f) => !found.has(fold(f.question)));
    const inserted = await insertFaq(tx, tenantId, fresh.map((f) => ({ ...f, tags: [templateTag(template.id)] })));
    const stored = await upsertProducts(
      tx,
      tenantId,
      template.products.map((p) => ({
        id: p.sku,
        sku: p.sku,
        name: p.name,
        price: p.price_vnd,
        stock: undefined,
        inStock: undefined,
        category: p.category,
        description: p.description,
        attributes: {},
      })),
      null,
    );
    await audit?.(tx, { faqAdded: inserted.length, products: stored.length });
    return { added: inserted, existing: [...found.values()], products: stored };
  });
  await index(service, tenantId, [...added, ...existing], products);
  return {
    templateId: template.id,
    faqAdded: added.length,
    faqSkipped: existing.length,
    products: products.length,
    suggestedQuestions: template.suggested_questions,
  };
}

/** Upserts by id, so indexing again after a retry or a second apply is harmless. */
async function index(service: KnowledgeService, tenantId: string, faq: readonly FaqRecord[], products: readonly ProductRecord[]): Promise<void> {
  if (faq.length > 0) await service.kb.upsertFaq({ namespace: tenantId, entries: faq.map((e) => ({ id: e.id, question: e.question, answer: e.answer })) });
  if (products.length > 0) await service.kb.upsertProducts({ namespace: tenantId, products: products.map(toRagProduct) });
  await service.knowledgeChanged(tenantId);
}
