/** Command-line flags: `--name value`, `--flag` (true) and `--quick`. */

/** Parsed flags of this process. */
export interface Flags {
  number(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
  bool(name: string): boolean;
}

/** Reads flags from `argv` (defaults to the process's own). */
export function parseFlags(argv: readonly string[] = process.argv.slice(2)): Flags {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    if (index < 0) return undefined;
    const next = argv[index + 1];
    return next === undefined || next.startsWith('--') ? 'true' : next;
  };
  return {
    number(name, fallback) {
      const raw = value(name);
      const parsed = raw === undefined ? Number.NaN : Number(raw);
      if (raw !== undefined && !Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got ${raw}`);
      return raw === undefined ? fallback : parsed;
    },
    string: (name, fallback) => value(name) ?? fallback,
    bool: (name) => value(name) === 'true',
  };
}
