import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needsLanceDbSoon } from '../../src/knowledge/service';

const root = mkdtempSync(join(tmpdir(), 'acb-preload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('whether a starting runtime loads LanceDB in the background', () => {
  it('only when the first questions will need it', () => {
    const uri = join(root, 'lancedb');
    expect(needsLanceDbSoon(uri, false)).toBe(false); // no folder yet
    mkdirSync(uri);
    expect(needsLanceDbSoon(uri, true)).toBe(false); // no tables: nothing to search
    mkdirSync(join(uri, 'kb_aaa.lance'));
    mkdirSync(join(uri, 'kb_aaa_docs.lance'));
    expect(needsLanceDbSoon(uri, false)).toBe(true); // keyword search must read the table once
    writeFileSync(join(uri, 'kb_aaa.lexical.json'), '{}');
    expect(needsLanceDbSoon(uri, false)).toBe(false); // … unless its lexical source file is there
    expect(needsLanceDbSoon(uri, true)).toBe(true); // a platform embedding model: the dense arm searches it
    mkdirSync(join(uri, 'kb_bbb.lance'));
    expect(needsLanceDbSoon(uri, false)).toBe(true); // another tenant without one
    expect(needsLanceDbSoon('s3://bucket/lancedb', false)).toBe(true); // every read of a remote store
  });
});
