import type { VectorRecordV1, VectorStoreV1, VectorStoreV1Hit } from '@agent-chatbot/core';
import { expect } from 'vitest';
import {
  registerContract,
  uniqueId,
  type ContractCase,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contract-suite';

/** Options for {@link vectorStoreContract}. */
export interface VectorStoreContractOptions extends ContractSuiteOptions {
  /** Creates the vector store under test. */
  readonly create: () => VectorStoreV1 | Promise<VectorStoreV1>;
  /** Frees the store after a case; the namespaces it used are dropped first when `dropNamespace` exists. */
  readonly cleanup?: (store: VectorStoreV1) => Promise<void> | void;
  /** Embedding width the suite writes; default 8. */
  readonly dimensions?: number;
}

/** What each vector-store case receives. */
export interface VectorStoreContractFixture {
  /** Creates a fresh store for one test. */
  make(): Promise<VectorStoreV1>;
  /** A namespace unique to this case (letters, digits, underscore), dropped afterwards. */
  namespace(): string;
  /** Unit vector along `axis`, or the normalised sum of several axes. */
  vector(...axes: number[]): number[];
}

function record(id: string, sourceId: string, embedding: number[], text = `Nội dung ${id}`, metadata: Record<string, unknown> = {}): VectorRecordV1 {
  return { id, sourceId, text, embedding, metadata: { title: `Tài liệu ${sourceId}`, ...metadata } };
}

const ids = (hits: VectorStoreV1Hit[]) => hits.map((hit) => hit.id);

const cases: ReadonlyArray<ContractCase<VectorStoreContractFixture>> = [
  {
    title: 'query returns the nearest records first, with their stored fields',
    async run({ make, namespace, vector }) {
      const store = await make();
      const ns = namespace();
      const exact = record('exact', 'source-1', vector(0), 'Giờ mở cửa: 8h đến 22h mỗi ngày', { page: 3, tags: ['giờ', 'cửa hàng'] });
      await store.upsert({ namespace: ns, records: [record('far', 'source-2', vector(1)), exact, record('near', 'source-2', vector(0, 1))] });
      const hits = await store.doQuery({ namespace: ns, embedding: vector(0), topK: 3 });
      expect(ids(hits)).toEqual(['exact', 'near', 'far']);
      expect(hits[0]).toMatchObject({ id: 'exact', sourceId: 'source-1', text: exact.text, metadata: exact.metadata });
      for (let index = 1; index < hits.length; index++) expect(hits[index - 1]!.score).toBeGreaterThan(hits[index]!.score);
    },
  },
  {
    title: 'upsert is idempotent by id (the later version replaces the earlier)',
    async run({ make, namespace, vector }) {
      const store = await make();
      const ns = namespace();
      await store.upsert({ namespace: ns, records: [record('a', 's', vector(0), 'bản cũ'), record('b', 's', vector(1))] });
      await store.upsert({ namespace: ns, records: [record('a', 's', vector(2), 'bản mới')] });
      await store.upsert({ namespace: ns, records: [record('a', 's', vector(2), 'bản mới')] });
      const hits = await store.doQuery({ namespace: ns, embedding: vector(2), topK: 10 });
      expect(ids(hits).sort()).toEqual(['a', 'b']);
      expect(hits[0]).toMatchObject({ id: 'a', text: 'bản mới' });
    },
  },
  {
    title: 'two upserts of different ids keep both batches',
    async run({ make, namespace, vector }) {
      const store = await make();
      const ns = namespace();
      await store.upsert({ namespace: ns, records: [record('first-1', 'first', vector(0)), record('first-2', 'first', vector(1))] });
      await store.upsert({ namespace: ns, records: [record('second-1', 'second', vector(2))] });
      const hits = await store.doQuery({ namespace: ns, embedding: vector(0, 1, 2), topK: 10 });
      expect(ids(hits).sort()).toEqual(['first-1', 'first-2', 'second-1']);
    },
  },
  {
    title: 'deleteBySource removes exactly that source and returns the count',
    async run({ make, namespace, vector }) {
      const store = await make();
      const ns = namespace();
      await store.upsert({
        namespace: ns,
        records: [record('p1', 'price-list', vector(0)), record('p2', 'price-list', vector(1)), record('f1', 'faq', vector(0, 1))],
      });
      expect(await store.deleteBySource({ namespace: ns, sourceId: 'price-list' })).toBe(2);
      expect(await store.deleteBySource({ namespace: ns, sourceId: 'price-list' })).toBe(0);
      expect(await store.deleteBySource({ namespace: ns, sourceId: 'never-indexed' })).toBe(0);
      const hits = await store.doQuery({ namespace: ns, embedding: vector(0), topK: 10 });
      expect(ids(hits)).toEqual(['f1']);
    },
  },
  {
    title: 'namespaces are isolated (queries, upserts and deletes)',
    async run({ make, namespace, vector }) {
      const store = await make();
      const [tenantA, tenantB] = [namespace(), namespace()];
      await store.upsert({ namespace: tenantA, records: [record('shared-id', 'shared-source', vector(0), 'bí mật của A')] });
      await store.upsert({ namespace: tenantB, records: [record('b-only', 'shared-source', vector(1), 'dữ liệu của B')] });
      const fromB = await store.doQuery({ namespace: tenantB, embedding: vector(0), topK: 10 });
      expect(ids(fromB)).toEqual(['b-only']);
      expect(fromB.some((hit) => hit.text.includes('bí mật'))).toBe(false);
      expect(await store.deleteBySource({ namespace: tenantB, sourceId: 'shared-source' })).toBe(1);
      const fromA = await store.doQuery({ namespace: tenantA, embedding: vector(0), topK: 10 });
      expect(ids(fromA)).toEqual(['shared-id']);
    },
  },
  {
    title: 'topK is respected',
    async run({ make, namespace, vector }) {
      const store = await make();
      const ns = namespace();
      await store.upsert({ namespace: ns, records: [0, 1, 2, 3, 4].map((axis) => record(`r${axis}`, 's', vector(axis, 5))) });
      expect(await store.doQuery({ namespace: ns, embedding: vector(5), topK: 3 })).toHaveLength(3);
      expect(await store.doQuery({ namespace: ns, embedding: vector(5), topK: 1 })).toHaveLength(1);
    },
  },
  {
    title: 'querying an empty or unknown namespace returns no hits',
    async run({ make, namespace, vector }) {
      const store = await make();
      expect(await store.doQuery({ namespace: namespace(), embedding: vector(0), topK: 5 })).toEqual([]);
    },
  },
  {
    title: 'metadata filters match exactly',
    async run({ make, namespace, vector }) {
      const store = await make();
      const ns = namespace();
      await store.upsert({
        namespace: ns,
        records: [
          record('shirt', 'catalog', vector(0), 'Áo thun', { category: 'áo', inStock: true }),
          record('dress', 'catalog', vector(0, 1), 'Váy', { category: 'váy', inStock: true }),
          record('coat', 'catalog', vector(0, 2), 'Áo khoác', { category: 'áo', inStock: false }),
        ],
      });
      const hits = await store.doQuery({ namespace: ns, embedding: vector(0), topK: 10, filter: { category: 'áo', inStock: true } });
      expect(ids(hits)).toEqual(['shirt']);
    },
  },
  {
    title: 'dropNamespace (when implemented) removes only that namespace',
    async run({ make, namespace, vector }) {
      const store = await make();
      if (!store.dropNamespace) return; // optional in VectorStoreV1
      const [dropped, kept] = [namespace(), namespace()];
      await store.upsert({ namespace: dropped, records: [record('x', 's', vector(0))] });
      await store.upsert({ namespace: kept, records: [record('y', 's', vector(0))] });
      await store.dropNamespace({ namespace: dropped });
      expect(await store.doQuery({ namespace: dropped, embedding: vector(0), topK: 5 })).toEqual([]);
      expect(ids(await store.doQuery({ namespace: kept, embedding: vector(0), topK: 5 }))).toEqual(['y']);
    },
  },
];

/** The vector-store contract's cases, for self-tests. */
export const vectorStoreContractCases = cases;

/** Builds the fixture a vector-store case receives from suite options. */
export function vectorStoreContractFixture(options: Pick<VectorStoreContractOptions, 'create' | 'cleanup' | 'dimensions'>) {
  const dimensions = options.dimensions ?? 8;
  return (tracker: ContractTracker): VectorStoreContractFixture => {
    const namespaces: string[] = [];
    return {
      async make() {
        const store = await options.create();
        return tracker.track(store, async (instance) => {
          for (const ns of namespaces) await instance.dropNamespace?.({ namespace: ns });
          await options.cleanup?.(instance);
        });
      },
      namespace() {
        const ns = uniqueId('contract');
        namespaces.push(ns);
        return ns;
      },
      vector(...axes) {
        const values = new Array<number>(dimensions).fill(0);
        for (const axis of axes) {
          if (axis >= dimensions) throw new Error(`vector axis ${axis} needs dimensions > ${axis}`);
          values[axis] = 1 / Math.sqrt(axes.length);
        }
        return values;
      },
    };
  };
}

/**
 * Registers the {@link VectorStoreV1} contract: nearest-first queries, idempotent upsert by id,
 * batches that accumulate, exact `deleteBySource`, namespace isolation, `topK`, metadata filters and
 * `dropNamespace`. Opt out of a case with `skip: [{ reason, tests }]`.
 *
 * @example
 * ```ts
 * vectorStoreContract({ name: 'lancedb', create: () => createLanceVectorStore({ uri: tmpDir }) });
 * ```
 */
export function vectorStoreContract(options: VectorStoreContractOptions): void {
  registerContract({
    suite: 'VectorStoreV1',
    name: options.name,
    cases,
    skip: options.skip,
    fixture: vectorStoreContractFixture(options),
  });
}
