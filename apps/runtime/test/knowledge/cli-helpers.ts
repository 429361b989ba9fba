/** Runs the real `agent-chatbot` entry point (`main`) in this process and captures its output. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

/** What one CLI run printed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `agent-chatbot …argv` with `env`, capturing stdout and stderr. */
export async function runCli(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv, env);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** A tiny retrieval set: three shop documents and questions customers ask (with and without accents). */
export function writeTinyEval(dir: string): { corpus: string; queries: string } {
  const corpus = join(dir, 'corpus.jsonl');
  const queries = join(dir, 'queries.jsonl');
  writeFileSync(
    corpus,
    [
      { id: 'ship', text: 'Giao hàng: nội thành Hà Nội 1–2 ngày, tỉnh khác 3–5 ngày. Phí ship 30.000đ, miễn phí cho đơn từ 500.000đ.' },
      { id: 'doitra', text: 'Đổi trả: khách được đổi hàng trong 7 ngày nếu sản phẩm còn tem mác và hoá đơn.' },
      { id: 'thanhtoan', text: 'Thanh toán: chuyển khoản ngân hàng, ví MoMo hoặc tiền mặt khi nhận hàng (COD).' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  );
  writeFileSync(
    queries,
    [
      { id: 'q1', text: 'ship ra Đà Nẵng mất mấy ngày?', relevant: ['ship'] },
      { id: 'q2', text: 'doi hang trong bao lau', relevant: ['doitra'] },
      { id: 'q3', text: 'tt bằng momo đc ko', relevant: ['thanhtoan'] },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  );
  return { corpus, queries };
}
