import { createHash } from 'node:crypto';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { CommandOutput } from './output';

/**
 * Where `serve` listens for CLI commands: `<dataDir>/control.sock`, or — when that path is too long
 * for a Unix socket (about 100 bytes) — a per-data-dir name in the temp folder.
 */
export function controlSocketPath(dataDir: string): string {
  const path = join(dataDir, 'control.sock');
  if (Buffer.byteLength(path) < 100) return path;
  return join(tmpdir(), `agent-chatbot-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

const requestSchema = z.object({ v: z.literal(1), argv: z.array(z.string().max(10_000)).max(100) });
const responseSchema = z.object({ exitCode: z.number().int(), stdout: z.string(), stderr: z.string() });
const MAX_LINE = 1_000_000;

/**
 * Serves CLI commands on a Unix socket (mode 0600: only this OS user may connect). One request per
 * connection: a JSON line `{"v":1,"argv":[…]}`, answered with one JSON line of {@link CommandOutput}.
 */
export async function startControlServer(
  path: string,
  handle: (argv: string[]) => Promise<CommandOutput>,
): Promise<{ close(): Promise<void> }> {
  if (existsSync(path)) {
    // A live server answers; a stale socket from a crashed one is removed.
    if (await probe(path)) throw new Error(`Another server already listens on ${path}`);
    unlinkSync(path);
  }
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) return socket.destroy();
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      socket.pause();
      const parsed = requestSchema.safeParse(safeJson(buffer.slice(0, newline)));
      const answer = parsed.success
        ? handle(parsed.data.argv)
        : Promise.resolve({ exitCode: 2, stdout: '', stderr: 'Lỗi: yêu cầu không hợp lệ\nError: invalid control request\n' });
      void answer.then(
        (output) => socket.end(`${JSON.stringify(output)}\n`),
        (error: unknown) => socket.end(`${JSON.stringify({ exitCode: 1, stdout: '', stderr: `Error: ${(error as Error).message}\n` })}\n`),
      );
    });
  });
  // The socket file is created with the umask: tighten it so no other user ever sees it writable.
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(previous);
  }
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (existsSync(path)) unlinkSync(path);
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Sends argv to a running server. Undefined when no server listens (no socket, or a stale one):
 * the caller then runs the command itself.
 */
export async function sendToServer(path: string, argv: readonly string[], timeoutMs = 120_000): Promise<CommandOutput | undefined> {
  if (!existsSync(path)) return undefined;
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let connected = false;
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('The server did not answer in time / Máy chủ không trả lời kịp')));
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ v: 1, argv })}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) resolve(undefined);
      else reject(error);
    });
    socket.once('end', () => {
      const parsed = responseSchema.safeParse(safeJson(buffer.trim()));
      if (parsed.success) resolve(parsed.data);
      else reject(new Error('Invalid answer from the server / Máy chủ trả lời không hợp lệ'));
    });
  });
}
