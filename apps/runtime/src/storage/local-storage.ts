import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@agent-chatbot/core';
import { tenantObjectKey, tenantPrefix } from './keys';
import type { ObjectStorage } from './types';

async function countFiles(path: string): Promise<number> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  let count = 0;
  for (const entry of entries) count += entry.isDirectory() ? await countFiles(join(path, entry.name)) : 1;
  return count;
}

async function* walk(path: string, relative: string): AsyncGenerator<string> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const inner = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(join(path, entry.name), inner);
    else if (entry.isFile() && !entry.name.endsWith('.part')) yield inner;
  }
}

/**
 * Files in a local folder (`<dataDir>/files` by default). Writes go to a temporary name first
 * and are renamed into place, so a reader never sees half a file.
 */
export function createLocalStorage(root: string): ObjectStorage {
  const pathOf = (tenantId: string, key: string): string => join(root, tenantObjectKey(tenantId, key));
  return {
    kind: 'local',
    async put(tenantId, key, body) {
      const path = pathOf(tenantId, key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${randomUUID()}.part`;
      await writeFile(temporary, body, { mode: 0o600 });
      await rename(temporary, path);
    },
    async get(tenantId, key) {
      const path = pathOf(tenantId, key);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new NotFoundError(`Stored file ${key} not found`, `Không tìm thấy tệp đã lưu ${key}`);
      return createReadStream(path) as Readable;
    },
    async delete(tenantId, key) {
      await rm(pathOf(tenantId, key), { force: true });
    },
    async *list(tenantId, prefix = '') {
      const start = tenantPrefix(tenantId, prefix).slice(tenantPrefix(tenantId).length);
      yield* walk(join(root, tenantPrefix(tenantId, prefix)), start.replace(/\/$/, ''));
    },
    async deletePrefix(tenantId, prefix) {
      const path = join(root, tenantPrefix(tenantId, prefix));
      const count = await countFiles(path);
      await rm(path, { recursive: true, force: true });
      return count;
    },
    async close() {},
  };
}
