/**
 * Splits extracted text into retrieval chunks of roughly 200–500 syllables, breaking on headings
 * and paragraphs, never inside a sentence unless a sentence alone is too long.
 */

/** Options for {@link chunkText}. Sizes count whitespace-separated syllables ("tokens"). */
export interface ChunkOptions {
  /** A chunk below this size absorbs the next paragraph or section (default 200). */
  readonly minTokens?: number;
  /** No chunk exceeds this size (default 500). */
  readonly maxTokens?: number;
}

/** One chunk of a document. */
export interface TextChunk {
  /** Position in the document, from 0. */
  readonly index: number;
  /** Chunk text; the nearest heading is repeated at the top when the chunk starts mid-section. */
  readonly text: string;
  /** The heading the chunk falls under, if any. */
  readonly heading: string | undefined;
  /** Estimated tokens in the chunk. */
  readonly tokenCount: number;
}

interface Block {
  readonly heading: string | undefined;
  readonly text: string;
  readonly isHeading: boolean;
}

const countTokens = (text: string): number => (text.match(/\S+/g) ?? []).length;

/**
 * Markdown headings, numbered legal/policy headings ("Điều 5.", "Chương II", "Mục 1", "1.2 Bảo
 * hành") and short lines ending with ':' start a section.
 */
function headingText(line: string): string | undefined {
  const trimmed = line.trim();
  const markdown = /^#{1,6}\s+(.+)$/.exec(trimmed);
  if (markdown) return markdown[1]!.trim();
  if (trimmed.length > 120) return undefined;
  if (/^(điều|chương|mục|phần|part|chapter|section)\s+[\divxlc]+[.:)]?(\s|$)/iu.test(trimmed)) return trimmed;
  if (/^\d+(\.\d+)*[.)]?\s+\S/u.test(trimmed) && countTokens(trimmed) <= 12 && !/[.!?]$/.test(trimmed)) return trimmed;
  if (/:$/.test(trimmed) && countTokens(trimmed) <= 10) return trimmed.slice(0, -1);
  return undefined;
}

function toBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let heading: string | undefined;
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = paragraph.split('\n').map((line) => line.trim()).filter(Boolean);
    let buffer: string[] = [];
    const flush = (): void => {
      if (buffer.length > 0) blocks.push({ heading, text: buffer.join('\n'), isHeading: false });
      buffer = [];
    };
    for (const line of lines) {
      const found = headingText(line);
      if (found !== undefined) {
        flush();
        heading = found;
        blocks.push({ heading, text: line, isHeading: true });
      } else {
        buffer.push(line);
      }
    }
    flush();
  }
  return blocks;
}

/** Splits an oversized block into sentence runs, then word runs, each at most `max` tokens. */
function splitLong(text: string, max: number): string[] {
  const sentences = text.match(/[^.!?…\n]+(?:[.!?…]+|\n|$)/gu) ?? [text];
  const pieces: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const sentence of sentences) {
    const words = sentence.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words.length > max) {
      if (current.length > 0) pieces.push(current.join(' '));
      current = [];
      size = 0;
      for (let i = 0; i < words.length; i += max) pieces.push(words.slice(i, i + max).join(' '));
      continue;
    }
    if (size + words.length > max && current.length > 0) {
      pieces.push(current.join(' '));
      current = [];
      size = 0;
    }
    current.push(sentence.trim());
    size += words.length;
  }
  if (current.length > 0) pieces.push(current.join(' '));
  return pieces;
}

/**
 * Chunks text on headings and paragraphs. Deterministic: the same text always gives the same
 * chunks, which keeps chunk ids stable across re-indexing.
 *
 * @example
 * ```ts
 * chunkText('# Bảo hành\nSản phẩm được bảo hành 12 tháng.').map((c) => c.heading) // ['Bảo hành']
 * ```
 */
export function chunkText(text: string, options: ChunkOptions = {}): TextChunk[] {
  const min = options.minTokens ?? 200;
  const max = Math.max(options.maxTokens ?? 500, min, 1);
  const chunks: TextChunk[] = [];
  let parts: string[] = [];
  let size = 0;
  let heading: string | undefined;
  const flush = (): void => {
    if (size > 0) {
      chunks.push({ index: chunks.length, text: parts.join('\n\n'), heading, tokenCount: size });
    }
    parts = [];
    size = 0;
  };
  for (const block of toBlocks(text)) {
    // A new section starts a new chunk once the current one is big enough.
    if (block.isHeading && size >= min) flush();
    const pieces = countTokens(block.text) > max ? splitLong(block.text, max) : [block.text];
    for (const piece of pieces) {
      const pieceSize = countTokens(piece);
      if (size + pieceSize > max) flush();
      if (size === 0) {
        heading = block.heading;
        // Repeat the heading so a chunk that starts mid-section still says what it is about.
        if (!block.isHeading && block.heading !== undefined && pieceSize + countTokens(block.heading) <= max) {
          parts.push(block.heading);
          size += countTokens(block.heading);
        }
      }
      parts.push(piece);
      size += pieceSize;
    }
  }
  flush();
  return chunks;
}
