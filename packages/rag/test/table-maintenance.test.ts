import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeBase, localTableState } from '../src/index';
import { chunkTableName, documentTableName } from '../src/store/keys';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

/** 30 FAQ entries about different things, so each has its own best question. */
const ENTRIES = Array.from({ length: 30 }, (_, i) => ({
  id: `q${i}`,
  question: `Mã giảm giá số ${i} dùng cho đơn hàng nào?`,
  answer: `Mã KM${i} giảm ${i + 5}% cho đơn từ ${(i + 1) * 100}.000đ, hạn dùng ${i + 1} ngày.`,
}));

/** Manifests (versions) and data files a local table keeps on disk. */
function onDisk(uri: string, table: string): { versions: number; dataFiles: number } {
  const folder = join(uri, `${table}.lance`);
  return { versions: readdirSync(join(folder, '_versions')).filter((name) => name.endsWith('.manifest')).length, dataFiles: readdirSync(join(folder, 'data')).length };
}

/** Adds the entries one request at a time, as a shop owner typing them into the dashboard does. */
async function addOneByOne(kb: KnowledgeBase): Promise<void> {
  for (const entry of ENTRIES) await kb.upsertFaq({ namespace: 'shop', entries: [entry] });
}

async function expectEveryEntryFound(kb: KnowledgeBase): Promise<void> {
  for (const entry of [ENTRIES[0]!, ENTRIES[17]!, ENTRIES[29]!]) {
    const { hits } = await kb.search({ namespace: 'shop', query: entry.question });
    expect(hits[0]?.sourceId).toBe(`faq:${entry.id}`);
  }
}

describe('table maintenance (compaction and old versions)', () => {
  it('keeps the versions and files of tables changed one entry at a time bounded, with every entry still found', async () => {
    const grown = join(dir.path, 'never');
    const never = new KnowledgeBase({ storage: { uri: grown, maintenance: false } });
    await addOneByOne(never);
    // What happens without it: a version and new files per change, forever.
    expect(onDisk(grown, chunkTableName('shop')).versions).toBeGreaterThanOrEqual(30);
    expect(onDisk(grown, documentTableName('shop')).versions).toBeGreaterThanOrEqual(30);
    await never.close();

    const uri = join(dir.path, 'bounded');
    const kb = new KnowledgeBase({ storage: { uri, maintenance: { maxOldVersions: 5, graceMs: 0 } } });
    await addOneByOne(kb);
    for (const table of [chunkTableName('shop'), documentTableName('shop')]) {
      const { versions, dataFiles } = onDisk(uri, table);
      // At most maxOldVersions old ones, the latest and the compaction's own commits.
      expect(versions).toBeLessThanOrEqual(9);
      expect(dataFiles).toBeLessThan(onDisk(grown, table).dataFiles / 2);
      // The version read from disk (what the lexical source file and answer caches key on) is LanceDB's.
      const lance = await connect(uri);
      const handle = await lance.openTable(table);
      expect((await localTableState(uri, table))?.version).toBe(await handle.version());
      lance.close();
    }
    expect(await kb.store.countChunks('shop')).toBe(30);
    await expectEveryEntryFound(kb);
    // A fresh process over the compacted tables answers the same.
    await kb.close();
    const reopened = new KnowledgeBase({ storage: { uri } });
    await expectEveryEntryFound(reopened);
    await reopened.close();
  });

  it('never deletes a version replaced less than the grace period ago: a reader still on it keeps working', async () => {
    const uri = join(dir.path, 'grace');
    const graceMs = 60_000;
    const kb = new KnowledgeBase({ storage: { uri, maintenance: { maxOldVersions: 5, graceMs } } });
    await addOneByOne(kb);
    // Every version is younger than the grace period: nothing was touched.
    const before = onDisk(uri, chunkTableName('shop')).versions;
    expect(before).toBeGreaterThanOrEqual(30);
    expect(await kb.store.maintain('shop')).toEqual([]);

    // Another process reads the current version, and may keep reading it for up to its
    // read-consistency interval after a change replaced it.
    const reader = await connect(uri);
    const table = await reader.openTable(chunkTableName('shop'));
    const held = await table.version();
    // The rows of version `held`, read by a new connection each time (no cached files).
    const texts = async () => {
      const lance = await connect(uri);
      try {
        const at = await lance.openTable(chunkTableName('shop'));
        await at.checkout(held);
        return (await at.query().select(['text']).toArray()).map((row: { text: string }) => row.text).sort();
      } finally {
        lance.close();
      }
    };
    const then = await texts();
    expect(then).toHaveLength(30);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await kb.upsertFaq({ namespace: 'shop', entries: [{ id: 'late', question: 'Shop có xuất hoá đơn VAT không?', answer: 'Có, gửi mã số thuế khi đặt hàng.' }] });
    const replacedAt = (await table.listVersions()).map((version) => version.timestamp.getTime()).reduce((a, b) => Math.max(a, b));

    // Just inside the grace period of the reader's version: the 30 versions before it go, it stays.
    const inside = await kb.store.maintain('shop', { now: new Date(replacedAt + graceMs - 500) });
    const chunks = inside.find((result) => result.table === chunkTableName('shop'))!;
    expect(chunks.versionsBefore).toBeGreaterThan(before);
    expect(chunks.versionsAfter).toBeLessThanOrEqual(5);
    expect(chunks.fragmentsRemoved).toBeGreaterThan(0);
    expect(chunks.bytesRemoved).toBeGreaterThan(0);
    expect(await texts()).toEqual(then);
    expect(await kb.store.countChunks('shop')).toBe(31);
    await expectEveryEntryFound(kb);

    // Past it (with more changes since), the version and its files are gone: what the grace
    // period protected the reader from.
    for (let i = 0; i < 8; i += 1) {
      await kb.upsertFaq({ namespace: 'shop', entries: [{ id: `more${i}`, question: `Size ${i} dành cho người cao bao nhiêu?`, answer: `Size ${i} hợp với người cao ${150 + i * 5} cm.` }] });
    }
    const past = await kb.store.maintain('shop', { now: new Date(Date.now() + graceMs + 1000) });
    expect(past.find((result) => result.table === chunkTableName('shop'))?.versionsAfter).toBeLessThanOrEqual(3);
    await expect(texts()).rejects.toThrow();
    reader.close();
    await kb.close();
  });
});
