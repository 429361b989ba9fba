import type { RetrievedChunkV1 } from '../retriever/v1';
import type { AnswerSource } from './conversation-store';
import { coverage, estimateTokens, topicTokens } from './text-similarity';

/**
 * How the engine reads chunk metadata (the rag package writes it this way):
 * - FAQ entries: `metadata.kind === 'faq'` (or `type`), with `question` and `answer` strings, or a
 *   text shaped "Hỏi: … Đáp: …" / "Q: … A: …".
 * - Products: `metadata.kind === 'product'`, with `name`, `price` (or `price_vnd`/`priceVnd`), `stock`,
 *   `inStock`, `description`; a chunk text that already is a card ("Sản phẩm: …") is used as is.
 * - Anything else is a document passage.
 */
export type ChunkKind = 'faq' | 'product' | 'passage';

/** A retrieved chunk with what the engine derived from it. */
export interface ScoredChunk {
  readonly chunk: RetrievedChunkV1;
  readonly kind: ChunkKind;
  /** Share of the question's topic words the chunk contains (0–1). */
  readonly relevance: number;
  /** FAQ only: the entry's question and answer. */
  readonly faq?: { readonly question: string; readonly answer: string };
  /** FAQ only: how closely the customer's question matches the entry's question (0–1). */
  readonly faqMatch: number;
}

function stringField(metadata: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = metadata[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/** Classifies a chunk from its metadata. */
export function chunkKind(chunk: RetrievedChunkV1): ChunkKind {
  const kind = stringField(chunk.metadata, 'kind', 'type');
  if (kind === 'faq' || kind === 'product') return kind;
  return /^\s*(hỏi|q)\s*:/i.test(chunk.text) && /\n\s*(đáp|trả lời|a)\s*:/i.test(chunk.text) ? 'faq' : 'passage';
}

/** The question and answer of an FAQ chunk. */
export function faqParts(chunk: RetrievedChunkV1): { question: string; answer: string } {
  const question = stringField(chunk.metadata, 'question');
  const answer = stringField(chunk.metadata, 'answer');
  if (question && answer) return { question, answer };
  const match = /^\s*(?:hỏi|q)\s*:\s*([\s\S]*?)\n\s*(?:đáp|trả lời|a)\s*:\s*([\s\S]*)$/i.exec(chunk.text);
  return { question: question ?? match?.[1]?.trim() ?? chunk.text, answer: answer ?? match?.[2]?.trim() ?? chunk.text };
}

/** Formats an integer VND amount the Vietnamese way: `150000` → `150.000đ`. */
export function formatVnd(amount: number): string {
  return `${Math.round(amount).toLocaleString('vi-VN').replace(/,/g, '.')}đ`;
}

/** A short product card for no-LLM answers: name, price, stock, description. */
export function productCard(chunk: RetrievedChunkV1): string {
  const name = stringField(chunk.metadata, 'name', 'title');
  if (!name || /^\s*sản phẩm\s*:/i.test(chunk.text)) return chunk.text.trim();
  const price = chunk.metadata.price ?? chunk.metadata.price_vnd ?? chunk.metadata.priceVnd;
  const stock = chunk.metadata.stock;
  const lines = [name];
  if (typeof price === 'number') lines.push(`Giá: ${formatVnd(price)}`);
  if (typeof stock === 'number') lines.push(stock > 0 ? `Còn hàng (${stock})` : 'Tạm hết hàng');
  else if (chunk.metadata.inStock === false) lines.push('Tạm hết hàng');
  const description = stringField(chunk.metadata, 'description');
  if (description) lines.push(description);
  return lines.join('\n');
}

/** Scores retrieved chunks against the question, keeping the retriever's order. */
export function scoreChunks(question: string, chunks: ReadonlyArray<RetrievedChunkV1>): ScoredChunk[] {
  const questionTokens = topicTokens(question);
  return chunks.map((chunk) => {
    const kind = chunkKind(chunk);
    const relevance = coverage(questionTokens, topicTokens(chunk.text));
    if (kind !== 'faq') return { chunk, kind, relevance, faqMatch: 0 };
    const faq = faqParts(chunk);
    const entryTokens = topicTokens(faq.question);
    // Both directions must agree: the customer's words are in the entry's question and vice versa.
    const faqMatch = Math.min(coverage(questionTokens, entryTokens), coverage(entryTokens, questionTokens));
    return { chunk, kind, relevance: Math.max(relevance, faqMatch), faq, faqMatch };
  });
}

/** The chunks above the relevance threshold, best relevance first (ties keep retriever order). */
export function relevantChunks(scored: ReadonlyArray<ScoredChunk>, threshold: number): ScoredChunk[] {
  return scored
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => item.relevance >= threshold && item.relevance > 0)
    .sort((left, right) => right.item.relevance - left.item.relevance || left.index - right.index)
    .map(({ item }) => item);
}

/**
 * The FAQ entry to answer with directly (no model call): exactly one FAQ chunk matches the
 * question with at least `confidence`. Two strong matches are ambiguous and go to the model.
 */
export function directFaqMatch(scored: ReadonlyArray<ScoredChunk>, confidence: number): ScoredChunk | undefined {
  const strong = scored.filter((item) => item.kind === 'faq' && item.faqMatch >= confidence);
  return strong.length === 1 ? strong[0] : undefined;
}

/** The chunk's text for the prompt: an FAQ as "Hỏi/Đáp", a product as its card, else the text. */
export function chunkPromptText(item: ScoredChunk): string {
  if (item.faq) return `Hỏi: ${item.faq.question}\nĐáp: ${item.faq.answer}`;
  if (item.kind === 'product') return productCard(item.chunk);
  return item.chunk.text.trim();
}

/**
 * Fits chunk texts into a token budget: whole chunks while they fit, then the remaining budget of
 * the next one cut at a sentence boundary. At least the first chunk always gets some text.
 */
export function trimToBudget(texts: ReadonlyArray<string>, budgetTokens: number): string[] {
  const kept: string[] = [];
  let left = budgetTokens;
  for (const text of texts) {
    const cost = estimateTokens(text);
    if (cost <= left) {
      kept.push(text);
      left -= cost;
      continue;
    }
    if (left >= 40 || kept.length === 0) kept.push(cutAtSentence(text, Math.max(left, 40) * 3));
    break;
  }
  return kept;
}

/** Cuts text to at most `maxChars`, preferring the end of a sentence, then a word boundary. */
export function cutAtSentence(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '), head.lastIndexOf('\n'));
  if (sentenceEnd >= maxChars * 0.5) return head.slice(0, sentenceEnd + 1).trim();
  const space = head.lastIndexOf(' ');
  return `${head.slice(0, space > 0 ? space : maxChars).trim()}…`;
}

/** The sources recorded on a reply. */
export function toSources(items: ReadonlyArray<ScoredChunk>): AnswerSource[] {
  return items.map((item) => {
    const title = item.faq?.question ?? stringField(item.chunk.metadata, 'title', 'name', 'documentName', 'source');
    return { id: item.chunk.id, sourceId: item.chunk.sourceId, score: item.chunk.score, ...(title ? { title } : {}) };
  });
}
