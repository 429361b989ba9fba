import type { RetrievedChunkV1, RetrieverV1, RetrieverV1Result } from '@agent-chatbot/core';
import { expect } from 'vitest';
import {
  registerContract,
  uniqueId,
  type ContractCase,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contract-suite';

/** A document the suite indexes through the implementation's own `seed`. */
export interface RetrieverContractDocument {
  /** Chunk id. */
  readonly id: string;
  /** Document the chunk belongs to. */
  readonly sourceId: string;
  /** Chunk text. */
  readonly text: string;
  /** Chunk metadata. */
  readonly metadata: Record<string, unknown>;
}

/** What `create` returns: the retriever, and how to index documents into a namespace for it. */
export interface RetrieverContractSubject {
  /** The retriever under test. */
  readonly retriever: RetrieverV1;
  /** Indexes documents into a namespace. */
  seed(namespace: string, documents: readonly RetrieverContractDocument[]): Promise<void>;
  /** Frees indexes and connections after the case. */
  cleanup?(): Promise<void>;
}

/** Options for {@link retrieverContract}. */
export interface RetrieverContractOptions extends ContractSuiteOptions {
  /** Creates the retriever under test. */
  readonly create: () => RetrieverContractSubject | Promise<RetrieverContractSubject>;
}

/** What each retriever case receives. */
export interface RetrieverContractFixture {
  /** Creates a fresh subject for one test. */
  make(): Promise<RetrieverContractSubject>;
  /** A fresh namespace (tenant) id. */
  namespace(): string;
}

const doc = (sourceId: string, text: string, category: string): RetrieverContractDocument => ({
  id: `${sourceId}-1`,
  sourceId,
  text,
  metadata: { category, title: sourceId },
});

/** A small Vietnamese shop knowledge base; every targeted query below has one clearly right answer. */
const SHOP_DOCUMENTS: readonly RetrieverContractDocument[] = [
  doc('returns', 'Chính sách đổi trả: quý khách được đổi trả sản phẩm trong vòng 7 ngày kể từ ngày nhận hàng, sản phẩm còn nguyên tem mác.', 'policy'),
  doc('shipping', 'Phí giao hàng nội thành Hà Nội là 20.000 đồng; giao hàng toàn quốc mất từ 2 đến 4 ngày làm việc.', 'shipping'),
  doc('hours', 'Cửa hàng mở cửa từ 8 giờ sáng đến 10 giờ tối tất cả các ngày trong tuần, kể cả chủ nhật.', 'store'),
  doc('payment', 'Shop nhận thanh toán bằng tiền mặt khi nhận hàng (COD), chuyển khoản ngân hàng, ví MoMo và ZaloPay.', 'payment'),
  doc('warranty', 'Điện thoại và máy tính bảng được bảo hành chính hãng 12 tháng tại các trung tâm bảo hành.', 'policy'),
  doc('tshirt', 'Áo thun cotton nam màu trắng, giá 199.000 đồng, có các size S, M, L, XL.', 'product'),
];

const TARGETED_QUERIES: ReadonlyArray<readonly [query: string, expectedSource: string]> = [
  ['đổi trả sản phẩm trong bao nhiêu ngày', 'returns'],
  ['phí giao hàng nội thành Hà Nội bao nhiêu', 'shipping'],
  ['cửa hàng mở cửa lúc mấy giờ', 'hours'],
  ['thanh toán bằng ví MoMo được không', 'payment'],
  ['điện thoại bảo hành bao lâu', 'warranty'],
  ['áo thun cotton giá bao nhiêu', 'tshirt'],
];

const SECRET: RetrieverContractDocument = doc('secret', 'Mã giảm giá nội bộ KHUYENMAI50 chỉ dành cho nhân viên cửa hàng.', 'internal');

async function retrieve(retriever: RetrieverV1, namespace: string, query: string, topK = 5): Promise<RetrieverV1Result> {
  const result = await retriever.doRetrieve({ namespace, query, topK });
  expect(Array.isArray(result.warnings)).toBe(true);
  return result;
}

function expectWellFormed(chunks: RetrievedChunkV1[]): void {
  for (const chunk of chunks) {
    expect(chunk.id).toEqual(expect.any(String));
    expect(chunk.sourceId).toEqual(expect.any(String));
    expect(chunk.text.length).toBeGreaterThan(0);
    expect(Number.isFinite(chunk.score)).toBe(true);
    expect(typeof chunk.metadata).toBe('object');
  }
  for (let index = 1; index < chunks.length; index++) expect(chunks[index - 1]!.score).toBeGreaterThanOrEqual(chunks[index]!.score);
}

const cases: ReadonlyArray<ContractCase<RetrieverContractFixture>> = [
  {
    title: 'the relevant document ranks first for a targeted query',
    async run({ make, namespace }) {
      const { retriever, seed } = await make();
      const ns = namespace();
      await seed(ns, SHOP_DOCUMENTS);
      for (const [query, expectedSource] of TARGETED_QUERIES) {
        const { chunks } = await retrieve(retriever, ns, query);
        expectWellFormed(chunks);
        expect(chunks[0]?.sourceId, `top result for "${query}"`).toBe(expectedSource);
      }
    },
  },
  {
    title: 'chunks carry the source text and metadata',
    async run({ make, namespace }) {
      const { retriever, seed } = await make();
      const ns = namespace();
      await seed(ns, SHOP_DOCUMENTS);
      const { chunks } = await retrieve(retriever, ns, 'chính sách đổi trả', 1);
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.text).toContain('đổi trả');
      expect(chunks[0]!.metadata).toMatchObject({ category: 'policy', title: 'returns' });
    },
  },
  {
    title: 'a namespace never returns another namespace’s chunks',
    async run({ make, namespace }) {
      const { retriever, seed } = await make();
      const [tenantA, tenantB] = [namespace(), namespace()];
      await seed(tenantA, [SECRET]);
      await seed(tenantB, SHOP_DOCUMENTS);
      const fromB = await retrieve(retriever, tenantB, 'mã giảm giá nội bộ KHUYENMAI50 cho nhân viên', 10);
      expect(fromB.chunks.some((chunk) => chunk.sourceId === 'secret' || chunk.text.includes('KHUYENMAI50'))).toBe(false);
      const fromA = await retrieve(retriever, tenantA, 'mã giảm giá KHUYENMAI50', 10);
      expect(fromA.chunks.map((chunk) => chunk.sourceId)).toEqual(['secret']);
      const fromEmpty = await retrieve(retriever, namespace(), 'mã giảm giá KHUYENMAI50', 10);
      expect(fromEmpty.chunks).toEqual([]);
    },
  },
  {
    title: 'topK is respected',
    async run({ make, namespace }) {
      const { retriever, seed } = await make();
      const ns = namespace();
      await seed(ns, SHOP_DOCUMENTS);
      const broad = 'cửa hàng giao hàng nhận hàng ngày đồng';
      const two = await retrieve(retriever, ns, broad, 2);
      expect(two.chunks).toHaveLength(2);
      const one = await retrieve(retriever, ns, broad, 1);
      expect(one.chunks).toHaveLength(1);
      expect(one.chunks[0]!.id).toBe(two.chunks[0]!.id);
    },
  },
  {
    title: 'a nonsense query returns no chunks',
    async run({ make, namespace }) {
      const { retriever, seed } = await make();
      const ns = namespace();
      await seed(ns, SHOP_DOCUMENTS);
      const { chunks } = await retrieve(retriever, ns, 'xqzvw blorptk fnordq', 5);
      expect(chunks).toEqual([]);
    },
  },
  {
    title: 'metadata filters restrict the results',
    async run({ make, namespace }) {
      const { retriever, seed } = await make();
      const ns = namespace();
      await seed(ns, SHOP_DOCUMENTS);
      const { chunks } = await retriever.doRetrieve({ namespace: ns, query: 'chính sách bảo hành đổi trả giao hàng', topK: 10, filter: { category: 'policy' } });
      expect(chunks.map((chunk) => chunk.sourceId).sort()).toEqual(['returns', 'warranty']);
    },
  },
];

/** The retriever contract's cases, for self-tests. */
export const retrieverContractCases = cases;

/** Builds the fixture a retriever case receives from suite options. */
export function retrieverContractFixture(options: Pick<RetrieverContractOptions, 'create'>) {
  return (tracker: ContractTracker): RetrieverContractFixture => ({
    async make() {
      return tracker.track(await options.create(), (subject) => subject.cleanup?.());
    },
    namespace: () => uniqueId('contract'),
  });
}

/**
 * Registers the {@link RetrieverV1} contract on a small Vietnamese shop knowledge base: targeted
 * queries rank the right document first, tenant isolation, `topK`, an empty answer for nonsense,
 * and metadata filters. `create` returns the retriever plus a `seed(namespace, documents)` that
 * indexes through the implementation's real ingestion path.
 *
 * @example
 * ```ts
 * retrieverContract({
 *   name: 'bm25',
 *   create: () => {
 *     const index = createBm25Index();
 *     return { retriever: createBm25Retriever({ index }), seed: (namespace, docs) => index.add(namespace, docs) };
 *   },
 * });
 * ```
 */
export function retrieverContract(options: RetrieverContractOptions): void {
  registerContract({ suite: 'RetrieverV1', name: options.name, cases, skip: options.skip, fixture: retrieverContractFixture(options) });
}
