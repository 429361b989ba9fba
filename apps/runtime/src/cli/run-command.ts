import { parseArgs } from 'node:util';
import { commandHelp, findCommand, generalHelp, type CommandDef, type CommandEnv } from './command-table';
import { errorOutput, okOutput, usageError, type CommandOutput } from './output';

/** A parsed command line. */
export interface ParsedCommand {
  def: CommandDef;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  json: boolean;
  help: boolean;
}

/**
 * Parses argv (`node:util` parseArgs, strict): unknown flags, missing values and stray arguments
 * are usage errors with bilingual messages. Undefined for a bare `--help` / no command.
 */
export function parseCommand(argv: readonly string[]): ParsedCommand | undefined {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') return undefined;
  const found = findCommand(argv);
  if (!found) {
    const named = argv.slice(0, 2).join(' ');
    throw usageError(`Unknown command "${named}" (see agent-chatbot --help)`, `Không có lệnh "${named}" (xem agent-chatbot --help)`);
  }
  const { def, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...def.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const option = /'([^']+)'/.exec(message)?.[1] ?? '';
    const [en, vi] =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? [`Unknown option ${option}`, `Không có tuỳ chọn ${option}`]
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? [`Option ${option.split(' ')[0]} needs a value (or takes none)`, `Tuỳ chọn ${option.split(' ')[0]} cần một giá trị (hoặc không nhận giá trị)`]
          : [message.split('. ')[0] ?? 'Invalid arguments', 'Tham số không hợp lệ'];
    throw usageError(`${en} — usage: ${def.usage}`, `${vi} — cách dùng: ${def.usage}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const help = values.help === true;
  const expected = def.positionals ?? [];
  const count = parsed.positionals.length;
  if (!help && (count < expected.length || (count > expected.length && !def.variadic))) {
    throw usageError(
      parsed.positionals.length < expected.length ? `Missing ${expected.join(' ')} — usage: ${def.usage}` : `Unexpected argument "${parsed.positionals[expected.length]}" — usage: ${def.usage}`,
      parsed.positionals.length < expected.length ? `Thiếu ${expected.join(' ')} — cách dùng: ${def.usage}` : `Tham số thừa "${parsed.positionals[expected.length]}" — cách dùng: ${def.usage}`,
    );
  }
  return { def, values, positionals: parsed.positionals, json: values.json === true, help };
}

/** True when argv asks for JSON output (used before parsing succeeds, for error formatting). */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

/**
 * Runs one data command against an environment (opened lazily: `--help` and usage errors need no
 * database). Shared by the CLI process and the `serve` control socket, so both answer identically.
 */
export async function runCommand(
  argv: readonly string[],
  open: () => Promise<{ env: CommandEnv; close(): Promise<void> }>,
): Promise<CommandOutput> {
  const json = wantsJson(argv);
  try {
    const parsed = parseCommand(argv);
    if (!parsed) return okOutput({ help: generalHelp() }, generalHelp(), false);
    if (parsed.help) return okOutput({ help: commandHelp(parsed.def) }, commandHelp(parsed.def), false);
    if (!parsed.def.run) throw usageError(`"${parsed.def.name}" cannot run here`, `Không thể chạy "${parsed.def.name}" ở đây`);
    const { env, close } = await open();
    try {
      const { json: value, text } = await parsed.def.run(env, parsed.values, parsed.positionals);
      return okOutput(value, text, parsed.json);
    } finally {
      await close();
    }
  } catch (error) {
    return errorOutput(error, json);
  }
}
