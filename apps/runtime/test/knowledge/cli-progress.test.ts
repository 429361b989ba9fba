import { describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/cli/command-table';
import { absolutizeArgv, progressPrinter } from '../../src/knowledge/cli-support';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  let out = '';
  const stream = { isTTY, write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, written: () => out };
}
const env = (inServer: boolean) => ({ inServer }) as CommandEnv;

describe('kb add progress output', () => {
  it('redraws a bar on a terminal, prints plain stage lines otherwise, and nothing in the server or with --json', () => {
    const tty = fakeStream(true);
    const bar = progressPrinter(env(false), { stream: tty.stream });
    bar.update('bảng-giá.xlsx', 'indexing', 50);
    bar.update('bảng-giá.xlsx', 'indexing', 100);
    bar.done();
    expect(tty.written()).toContain('\r[############------------]  50% bảng-giá.xlsx (indexing)');
    expect(tty.written()).toContain('[########################] 100%');

    const pipe = fakeStream(false);
    const lines = progressPrinter(env(false), { stream: pipe.stream });
    lines.update('a.pdf', 'extracting', 1);
    lines.update('a.pdf', 'extracting', 5);
    lines.update('a.pdf', 'indexing', 80);
    expect(pipe.written()).toBe('a.pdf: extracting\na.pdf: indexing\n');

    const server = fakeStream(true);
    progressPrinter(env(true), { stream: server.stream }).update('a.pdf', 'indexing', 80);
    progressPrinter(env(false), { stream: server.stream, json: true }).update('a.pdf', 'indexing', 80);
    expect(server.written()).toBe('');
  });

  it('makes file arguments absolute before they go to the server', () => {
    expect(absolutizeArgv(['kb', 'add', '--tenant', 'shop', 'a.md', '/x/b.pdf', '--json'], '/home/u', [], 2)).toEqual(['kb', 'add', '--tenant', 'shop', '/home/u/a.md', '/x/b.pdf', '--json']);
    expect(absolutizeArgv(['eval', 'retrieval', '--corpus', 'c.jsonl', '--queries=q.jsonl', '--output', 'o.jsonl', '--k', '10'], '/w', ['corpus', 'queries', 'output'])).toEqual([
      'eval', 'retrieval', '--corpus', '/w/c.jsonl', '--queries=/w/q.jsonl', '--output', '/w/o.jsonl', '--k', '10',
    ]);
  });
});
