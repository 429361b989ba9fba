import { describe, expect, it } from 'vitest';
import { analyzeQuery, Bm25Index } from '../src/index';
import { decodeBm25IndexSteps, encodeBm25IndexSteps } from '../src/lexical/bm25-file';
import { buildIndexFromStoredTokens } from '../src/lexical/bm25-index';
import { runSliced, runToEnd } from '../src/sliced';
import { collection, collectionTokens, countingTurns, expectSameIndex } from './helpers/bm25';

const QUESTIONS = ['áo khoác chống nước', 'bao hanh doi tra', 'túi xách da màu đỏ', 'giao hang noi thanh', 'kính mát giá rẻ size', 'điện thoại'];

/** The encoding as one buffer, as the lexical source file holds it. */
const bytesOf = (index: Bm25Index): Uint8Array => Buffer.concat(runToEnd(encodeBm25IndexSteps(index)));

describe('BM25 index bytes', () => {
  it('decode to the same index: hits, scores, score bounds and restored diacritics', async () => {
    const index = new Bm25Index(collection(3_000));
    const bytes = bytesOf(index);
    const loaded = runToEnd(decodeBm25IndexSteps(bytes, 3_000));
    expect(loaded).toBeDefined();
    expectSameIndex(loaded!, index, QUESTIONS);
    expect(loaded!.documentFrequency('folded', 'bao_hanh')).toBe(index.documentFrequency('folded', 'bao_hanh'));
    // The index the lexical cache builds from stored tokens, too, and with the caller's parameters.
    const stored = await buildIndexFromStoredTokens(collectionTokens(500).map((tokens) => tokens.join(' ')), { k1: 1.4 });
    const again = runToEnd(decodeBm25IndexSteps(bytesOf(stored), 500, { k1: 1.4 }));
    expectSameIndex(again!, stored, QUESTIONS);
    const query = analyzeQuery('áo khoác');
    const otherParams = runToEnd(decodeBm25IndexSteps(bytesOf(stored), 500));
    expect(otherParams!.search(query, 3)).not.toEqual(stored.search(query, 3));
  });

  it('views the index’s own arrays instead of copying them, and encodes and decodes in slices', async () => {
    const index = new Bm25Index(collection(4_000));
    const encoding = await countingTurns(() => runSliced(encodeBm25IndexSteps(index), 0.01));
    expect(encoding.turns).toBeGreaterThan(1);
    const parts = encoding.value;
    const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
    // The postings (most of the bytes) are views of buffers the index already holds.
    const biggest = parts.reduce((a, b) => (b.byteLength > a.byteLength ? b : a));
    expect(biggest.byteLength).toBeGreaterThan(total / 10);
    expect(biggest.byteOffset % 4).toBe(0);
    const { value, turns } = await countingTurns(() => runSliced(decodeBm25IndexSteps(Buffer.concat(parts), 4_000), 0.01));
    expect(turns).toBeGreaterThan(2);
    expectSameIndex(value!, index, QUESTIONS);
  });

  it('an empty index round-trips', () => {
    const empty = runToEnd(decodeBm25IndexSteps(bytesOf(new Bm25Index([])), 0));
    expect(empty?.size).toBe(0);
    expect(empty?.search(analyzeQuery('áo'), 3)).toEqual([]);
  });

  it('is not decoded from bytes of another collection size, format or analysis, nor from damaged bytes', () => {
    const bytes = bytesOf(new Bm25Index(collection(200)));
    const decode = (candidate: Uint8Array, documents = 200) => runToEnd(decodeBm25IndexSteps(candidate, documents));
    expect(decode(bytes)).toBeDefined();
    const headerEnd = bytes.indexOf(10);
    const header = JSON.parse(Buffer.from(bytes.subarray(0, headerEnd)).toString('utf8')) as Record<string, unknown>;
    const withHeader = (changes: Record<string, unknown>): Uint8Array => {
      const text = JSON.stringify({ ...header, ...changes });
      return Buffer.concat([Buffer.from(text), bytes.subarray(headerEnd)]);
    };
    // Re-encoding the same header keeps the layout (the arrays are aligned from the start).
    const sameLength = (value: string) => value.padEnd(String(header.fingerprint).length, '0').slice(0, String(header.fingerprint).length);
    expect(decode(withHeader({}))).toBeDefined();
    const damaged: Record<string, Uint8Array | [Uint8Array, number]> = {
      'another document count': [bytes, 201],
      'another analysis (fingerprint)': withHeader({ fingerprint: sameLength('0') }),
      'another format': withHeader({ format: 'agent-chatbot.bm25/0' }),
      'no header line': bytes.subarray(headerEnd + 1),
      'a broken header': Buffer.concat([Buffer.from('{"format":'), bytes.subarray(headerEnd)]),
      'cut short': bytes.subarray(0, bytes.length - 3),
      'bytes after the index': Buffer.concat([bytes, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])]),
      'more postings than the arrays hold': withHeader({ accented: { ...(header.accented as object), postings: 1e9 } }),
      empty: new Uint8Array(0),
    };
    for (const [what, value] of Object.entries(damaged)) {
      const [candidate, documents] = Array.isArray(value) ? value : [value, 200];
      expect(decode(candidate, documents), what).toBeUndefined();
    }
    // A document number out of range (a flipped byte in the postings) is refused, never searched.
    // The folded field's term frequencies end the encoding; its documents end just before them,
    // where each array starts 8-byte aligned.
    const { postings } = header.folded as { postings: number };
    const docsEnd = bytes.length - postings * 2 - (postings % 2 === 1 ? 4 : 0);
    const withLastDoc = (doc: number): Uint8Array => {
      const copy = Uint8Array.from(bytes);
      new DataView(copy.buffer).setInt32(docsEnd - 4, doc, true);
      return copy;
    };
    expect(decode(withLastDoc(199))).toBeDefined();
    expect(decode(withLastDoc(200))).toBeUndefined();
    expect(decode(withLastDoc(-1))).toBeUndefined();
  });
});
