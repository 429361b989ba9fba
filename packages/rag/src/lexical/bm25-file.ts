/**
 * A built {@link Bm25Index} as bytes, so a restarted process loads a big namespace's index instead
 * of analysing and indexing every chunk again (10,000 chunks: ~1.1–2.5 s of CPU; ADR 0023). The
 * lexical source file carries these bytes after its chunk lines (knowledge-store.ts).
 *
 * Layout: a JSON header line (format, the fingerprint of the analysis and byte order, the document
 * count, each field's counts), then each field's arrays in the platform's byte order, each starting
 * at a multiple of 8 bytes from the start of the encoding. The bytes describe one build of one chunk order: the caller keeps
 * them with that order. Bytes from another build of the code (another format or fingerprint),
 * cut short or inconsistent decode to `undefined`, never to a wrong index.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Steps } from '../sliced';
import { analyzeSyllable } from './analyzer';
import { bm25Fields, bm25FromFields, type Bm25Index, type Bm25Params } from './bm25-index';
import { BIGRAM_BASE, InvertedField, type BuiltField } from './inverted-field';

/** Bump when the build of an index changes (inverted-field.ts, bm25-index.ts) but not its analysis. */
const FORMAT = 'agent-chatbot.bm25/1';

/**
 * Syllables whose analysis an index depends on: spelling variants (hoà/hòa, kỹ/kĩ, quý/quí), case,
 * "đ", digits, prices and borrowed words. A change to the analysis changes their terms, so the
 * fingerprint, so an index built by older code is not loaded.
 */
const PROBE = [
  'hoà', 'hòa', 'HOÀ', 'thuỷ', 'thủy', 'uỷ', 'ủy', 'kỹ', 'kĩ', 'sỹ', 'sĩ', 'quý', 'quí', 'hoạ', 'họa', 'khoẻ', 'khỏe',
  'Đà', 'NẴNG', 'đ', 'giá', '350.000đ', '2024', 'iphone', 'wi-fi', 'tp.hcm', 'ngoằn', 'thuở', 'gì', 'ờ', 'x1', 'cotton',
];

let fingerprint: string | undefined;

/** The format, the byte order and how this code analyses the probe syllables, hashed. */
function currentFingerprint(): string {
  fingerprint ??= createHash('sha256')
    .update(`${FORMAT}\n${BIGRAM_BASE}\n${new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 'LE' : 'BE'}\n`)
    .update(PROBE.map((token) => { const terms = analyzeSyllable(token); return `${token}\t${terms.accented}\t${terms.folded}`; }).join('\n'))
    .digest('hex')
    .slice(0, 32);
  return fingerprint;
}

const count = z.number().int().nonnegative();
const fieldHeader = z.object({ averageLength: z.number().nonnegative(), unigrams: count, bigrams: count, terms: count, postings: count, tokensBytes: count });
const headerSchema = z.object({ format: z.literal(FORMAT), fingerprint: z.string(), size: count, accented: fieldHeader, folded: fieldHeader });
type FieldHeader = z.infer<typeof fieldHeader>;

const ALIGN = 8;
const padding = (length: number): number => (ALIGN - (length % ALIGN)) % ALIGN;

/** Map entries copied between two safe points of an encoding or a decoding. */
const STEP_ENTRIES = 65_536;

/**
 * The index as a list of byte ranges to write one after the other, in steps (a big tenant's term
 * maps hold hundreds of thousands of entries: see sliced.ts). The large ranges are views of the
 * index's own arrays (nothing is copied); only the header, the token list and the term maps' keys
 * and ids are new.
 */
export function* encodeBm25IndexSteps(index: Bm25Index): Steps<Uint8Array[]> {
  const { accented, folded, size } = bm25Fields(index);
  const encoded: Array<{ header: FieldHeader; arrays: ArrayBufferView[] }> = [];
  for (const field of [accented.parts(), folded.parts()]) {
    const tokens = [...field.unigrams.keys()];
    const tokensBytes = Buffer.from(JSON.stringify(tokens));
    const unigramIds = new Int32Array(tokens.length);
    const ordinals = new Int32Array(tokens.length);
    tokens.forEach((token, i) => {
      unigramIds[i] = field.unigrams.get(token)!;
      ordinals[i] = field.ordinals.get(token)!;
    });
    yield;
    const bigramKeys = new Float64Array(field.bigrams.size);
    const bigramIds = new Int32Array(field.bigrams.size);
    let i = 0;
    for (const [key, id] of field.bigrams) {
      bigramKeys[i] = key;
      bigramIds[i] = id;
      i += 1;
      if (i % STEP_ENTRIES === 0) yield;
    }
    encoded.push({
      header: {
        averageLength: field.averageLength,
        unigrams: tokens.length,
        bigrams: field.bigrams.size,
        terms: field.offsets.length - 1,
        postings: field.docs.length,
        tokensBytes: tokensBytes.length,
      },
      arrays: [field.lengths, tokensBytes, unigramIds, ordinals, bigramKeys, bigramIds, field.offsets, field.docs, field.tfs],
    });
  }
  const header = Buffer.from(`${JSON.stringify({ format: FORMAT, fingerprint: currentFingerprint(), size, accented: encoded[0]!.header, folded: encoded[1]!.header })}\n`);
  const parts: Uint8Array[] = [header];
  let length = header.length;
  for (const { arrays } of encoded) {
    for (const array of arrays) {
      const missing = padding(length);
      if (missing > 0) parts.push(new Uint8Array(missing));
      parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      length += missing + array.byteLength;
    }
  }
  return parts;
}

/**
 * Decodes {@link encodeBm25IndexSteps}'s bytes into an index with `params`, in steps (a big index
 * rebuilds its term maps for a few hundred milliseconds: see sliced.ts). `undefined` when the bytes
 * are from another format or analysis, or do not hold a consistent index of `documents` documents.
 * The index views `bytes` (its postings are not copied): hand it a buffer nothing else writes to.
 */
export function* decodeBm25IndexSteps(bytes: Uint8Array, documents: number, params: Partial<Bm25Params> = {}): Steps<Bm25Index | undefined> {
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 4096) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, newline).toString('utf8'));
  } catch {
    return undefined;
  }
  const header = headerSchema.safeParse(parsed);
  if (!header.success || header.data.fingerprint !== currentFingerprint() || header.data.size !== documents) return undefined;
  let at = newline + 1;
  /**
   * The next `count` elements of `Type`: a view of `bytes` (no copy: copying a big tenant's
   * postings held the event loop for ~0.2 s), or a copy where `bytes` is not aligned for it.
   */
  const take = <T>(Type: { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T; readonly BYTES_PER_ELEMENT: number }, count: number): T | undefined => {
    at += padding(at);
    const end = at + count * Type.BYTES_PER_ELEMENT;
    if (end > bytes.length) return undefined;
    const offset = bytes.byteOffset + at;
    const buffer = bytes.buffer as ArrayBuffer;
    at = end;
    return offset % Type.BYTES_PER_ELEMENT === 0 ? new Type(buffer, offset, count) : new Type(buffer.slice(offset, offset + count * Type.BYTES_PER_ELEMENT));
  };
  const fields: InvertedField[] = [];
  for (const field of [header.data.accented, header.data.folded]) {
    const lengths = take(Float32Array, header.data.size);
    const tokensBytes = take(Uint8Array, field.tokensBytes);
    const unigramIds = take(Int32Array, field.unigrams);
    const ordinalsOf = take(Int32Array, field.unigrams);
    const bigramKeys = take(Float64Array, field.bigrams);
    const bigramIds = take(Int32Array, field.bigrams);
    const offsets = take(Int32Array, field.terms + 1);
    const docs = take(Int32Array, field.postings);
    const tfs = take(Uint16Array, field.postings);
    if (!lengths || !tokensBytes || !unigramIds || !ordinalsOf || !bigramKeys || !bigramIds || !offsets || !docs || !tfs) return undefined;
    let tokens: unknown;
    try {
      tokens = JSON.parse(Buffer.from(tokensBytes.buffer, tokensBytes.byteOffset, tokensBytes.byteLength).toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(tokens) || tokens.length !== field.unigrams || offsets[0] !== 0 || offsets[field.terms] !== field.postings) return undefined;
    // Every term id and document number in range, so a search can never read outside the arrays.
    const validId = (id: number): boolean => id >= 0 && id < field.terms;
    for (let i = 1; i <= field.terms; i += 1) if (offsets[i]! < offsets[i - 1]!) return undefined;
    for (let i = 0; i < docs.length; i += 1) if (docs[i]! < 0 || docs[i]! >= header.data.size) return undefined;
    yield;
    const unigrams = new Map<string, number>();
    const ordinals = new Map<string, number>();
    for (let i = 0; i < tokens.length; i += 1) {
      const token: unknown = tokens[i];
      if (typeof token !== 'string' || !validId(unigramIds[i]!)) return undefined;
      unigrams.set(token, unigramIds[i]!);
      ordinals.set(token, ordinalsOf[i]!);
      if (i % STEP_ENTRIES === 0) yield;
    }
    const bigrams = new Map<number, number>();
    for (let i = 0; i < bigramKeys.length; i += 1) {
      if (!validId(bigramIds[i]!)) return undefined;
      bigrams.set(bigramKeys[i]!, bigramIds[i]!);
      if (i % STEP_ENTRIES === 0) yield;
    }
    const parts: BuiltField = { lengths, averageLength: field.averageLength, unigrams, bigrams, offsets, docs, tfs, ordinals };
    fields.push(InvertedField.fromParts(parts));
  }
  if (at !== bytes.length) return undefined;
  return bm25FromFields({ accented: fields[0]!, folded: fields[1]! }, header.data.size, params);
}
