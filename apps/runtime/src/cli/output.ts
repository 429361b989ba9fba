import { AgentChatbotError, ValidationError } from '@agent-chatbot/core';

/** What one CLI command produced: printed by the CLI, or sent back over the control socket. */
export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A bad command line: exit code 2. */
export function usageError(en: string, vi: string): ValidationError {
  return new ValidationError(en, vi, { details: { usage: true } });
}

/**
 * Turns any error into bilingual output: Vietnamese first, English second, or the API's error JSON
 * with `--json`. Unexpected errors say so without leaking internals beyond their message.
 */
export function errorOutput(error: unknown, json: boolean): CommandOutput {
  const known = AgentChatbotError.isInstance(error)
    ? error
    : new AgentChatbotError({
        code: 'internal_error',
        status: 500,
        message: `Unexpected error: ${(error as Error)?.message ?? String(error)}`,
        messageVi: `Lỗi không mong đợi: ${(error as Error)?.message ?? String(error)}`,
      });
  const exitCode = known.status === 400 ? 2 : 1;
  const stderr = json
    ? `${JSON.stringify(known.toJSON())}\n`
    : `Lỗi: ${known.messageVi}\nError: ${known.message}\n`;
  return { exitCode, stdout: '', stderr };
}

/** Success output: the JSON value, or the human text. */
export function okOutput(value: unknown, text: string, json: boolean): CommandOutput {
  return { exitCode: 0, stdout: json ? `${JSON.stringify(value, null, 2)}\n` : `${text.replace(/\n?$/, '\n')}`, stderr: '' };
}

/** A plain text table for `tenant list`. */
export function table(rows: ReadonlyArray<Record<string, string | number>>, columns: readonly string[]): string {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => String(r[c] ?? ''))))].join('\n');
}
