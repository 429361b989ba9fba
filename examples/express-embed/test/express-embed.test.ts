// Starts the example app on 127.0.0.1 against the testkit's fake OpenAI server and asks over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

const ANSWER = 'Dạ, phí ship đi tỉnh là 35.000đ, giao trong 3–5 ngày ạ.';

describe('express-embed', () => {
  let llm: FakeLlmServer;
  let server: Server;
  let baseUrl: string;
  let dataDir: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    llm = await startFakeOpenAI({ responder: () => ANSWER });
    dataDir = await mkdtemp(join(tmpdir(), 'express-embed-'));
    const created = await createApp({ docsDir: fileURLToPath(new URL('../docs', import.meta.url)), dataDir, baseURL: llm.baseURL, apiKey: llm.apiKey });
    close = created.close;
    server = created.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await close?.();
    await llm?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const chat = (body: unknown) =>
    fetch(`${baseUrl}/bot/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers a question from the documents through the model, citing the source', async () => {
    const response = await chat({ message: 'Phí ship đi tỉnh bao nhiêu?' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { answer: string; route: string; sources: Array<{ sourceId?: string; name?: string }>; tokens_out: number };
    expect(body.answer).toBe(ANSWER);
    expect(body.route).toBe('cheap');
    expect(body.tokens_out).toBeGreaterThan(0);
    expect(JSON.stringify(body.sources)).toContain('chinh-sach-giao-hang.md');
    // The retrieved policy text reached the model as context.
    const prompt = JSON.stringify(llm.requests.at(-1)?.messages);
    expect(prompt).toContain('35.000đ');
    expect(prompt).toContain('Phí ship đi tỉnh bao nhiêu?');
  });

  it('finds the right document for an unaccented question', async () => {
    const response = await chat({ message: 'doi tra trong bao nhieu ngay?' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sources: unknown[] };
    expect(JSON.stringify(body.sources)).toContain('doi-tra.md');
    expect(JSON.stringify(llm.requests.at(-1)?.messages)).toContain('7 ngày');
  });

  it('rejects a request without a message with a bilingual 400', async () => {
    const response = await chat({ conversationId: 'x' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string; message_vi: string } };
    expect(body.error.message_vi.length).toBeGreaterThan(0);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('leaves other routes to the host app', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(await response.text()).toContain('Tiệm Trà Mộc An');
  });
});
