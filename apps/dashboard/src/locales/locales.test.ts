// @vitest-environment node
/**
 * Every user-facing text exists in Vietnamese and English: the two files have the same keys and
 * placeholders, and every key the code uses (literal `'ns.key'`, or a dynamic `` `ns.${x}` `` whose
 * `ns` group must exist) is present in both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import vi from './vi.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string | Tree> {
  const out = new Map<string, string | Tree>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.set(path, value);
    if (typeof value === 'object') for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const locales = { vi: flatten(vi as Tree), en: flatten(en as Tree) };
const leaves = (m: Map<string, string | Tree>) => [...m].filter(([, v]) => typeof v === 'string').map(([k]) => k);
const namespaces = Object.keys(vi);

const srcDir = fileURLToPath(new URL('..', import.meta.url));
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' || name === 'test' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Key-shaped literals in the code: `'ns.a.b'` and `` `ns.${…}` `` for a known namespace. */
function usedKeys(): { file: string; key: string; dynamic: boolean }[] {
  const ns = namespaces.join('|');
  const literal = new RegExp(`['"](?:${ns})\\.[A-Za-z0-9_.-]+['"]`, 'g');
  const dynamic = new RegExp(`\`((?:${ns})(?:\\.[A-Za-z0-9_-]+)*)\\.\\$\\{`, 'g');
  return sourceFiles(srcDir).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const file = relative(srcDir, path);
    return [
      ...[...text.matchAll(literal)].map((m) => ({ file, key: m[0].slice(1, -1), dynamic: false })),
      ...[...text.matchAll(dynamic)].map((m) => ({ file, key: m[1]!, dynamic: true })),
    ];
  });
}

describe('locales', () => {
  it('vi.json and en.json have exactly the same keys', () => {
    const viKeys = leaves(locales.vi);
    const enKeys = leaves(locales.en);
    expect(viKeys.filter((k) => !locales.en.has(k)), 'in vi.json but missing from en.json').toEqual([]);
    expect(enKeys.filter((k) => !locales.vi.has(k)), 'in en.json but missing from vi.json').toEqual([]);
  });

  it('no text is empty and both languages use the same {{placeholders}}', () => {
    for (const key of leaves(locales.vi)) {
      const viText = locales.vi.get(key) as string;
      const enText = locales.en.get(key);
      expect(viText.trim(), `vi ${key}`).not.toBe('');
      expect(typeof enText === 'string' && enText.trim() !== '', `en ${key}`).toBe(true);
      const holes = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(holes(enText as string), `placeholders of ${key}`).toEqual(holes(viText));
    }
  });

  it('every key the components use exists in both languages', () => {
    const used = usedKeys();
    // Guard against the scan silently finding nothing (a broken regex would pass vacuously).
    expect(used.length).toBeGreaterThan(100);
    const missing = used.flatMap(({ file, key, dynamic }) =>
      (['vi', 'en'] as const)
        .filter((lng) => {
          const entry = locales[lng].get(key);
          return dynamic ? typeof entry !== 'object' : typeof entry !== 'string';
        })
        .map((lng) => `${file}: ${key}${dynamic ? '.*' : ''} (${lng})`),
    );
    expect(missing).toEqual([]);
  });

  it('dynamic key groups cover the values the API sends', () => {
    for (const lng of ['vi', 'en'] as const) {
      for (const role of ['tenant-admin', 'tenant-agent']) expect(locales[lng].has(`roles.${role}`)).toBe(true);
      for (const status of ['active', 'suspended', 'deleted']) expect(locales[lng].has(`status.${status}`)).toBe(true);
      for (const tone of ['friendly', 'professional', 'concise', 'custom']) expect(locales[lng].has(`bot.tones.${tone}`)).toBe(true);
    }
  });
});
