import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { foldDiacritics, tokenizeSyllables } from '@agent-chatbot/core';

/** Concepts the fake model "understands": words in one group share a vector direction. */
const CONCEPTS: ReadonlyArray<readonly string[]> = [
  ['laptop', 'may tinh xach tay', 'notebook'],
  ['giao hang', 'ship', 'van chuyen'],
  ['hoan tien', 'refund', 'tra lai tien'],
];

/** A running fake OpenAI-compatible embeddings server on 127.0.0.1. */
export interface FakeEmbeddingServer {
  readonly baseURL: string;
  /** Request bodies received, for assertions. */
  readonly requests: Array<{ model: string; input: string[] }>;
  close(): Promise<void>;
}

/**
 * Deterministic embedding: accent-folded syllables hashed into `dimensions` buckets, with the
 * concept groups above mapped onto shared buckets, L2-normalised. Not semantic, but enough to
 * make dense retrieval find what words alone do not.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let folded = ` ${foldDiacritics(tokenizeSyllables(text).join(' '))} `;
  const vector = new Array<number>(dimensions).fill(0);
  CONCEPTS.forEach((group, index) => {
    for (const phrase of group) {
      while (folded.includes(` ${phrase} `)) {
        folded = folded.replace(` ${phrase} `, ' ');
        vector[index]! += 3;
      }
    }
  });
  for (const token of folded.split(' ').filter(Boolean)) {
    let hash = 2166136261;
    for (const char of token) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
    vector[CONCEPTS.length + ((hash >>> 0) % (dimensions - CONCEPTS.length))]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

async function body(request: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of request) data += chunk;
  return data;
}

/** Starts the fake server; `apiKey` (default `test-key`) is required as a Bearer token. */
export async function startFakeEmbeddingServer(options: { dimensions?: number; apiKey?: string } = {}): Promise<FakeEmbeddingServer> {
  const dimensions = options.dimensions ?? 64;
  const apiKey = options.apiKey ?? 'test-key';
  const requests: Array<{ model: string; input: string[] }> = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
        return;
      }
      const parsed = JSON.parse(await body(request)) as { model: string; input: string | string[] };
      const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
      requests.push({ model: parsed.model, input });
      const tokens = input.reduce((sum, text) => sum + tokenizeSyllables(text).length, 0);
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, dimensions) })),
          model: parsed.model,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        }),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
