import { join, resolve } from 'node:path';

/**
 * The data folder: `CHATBOT_DATA_DIR` (trimmed), else `.chatbot`, resolved against `cwd`. Kept
 * apart from the configuration's schema so the CLI's entry can find the folder before it loads.
 */
export function resolveDataDir(value: string | undefined, cwd: string): string {
  return resolve(cwd, value?.trim() || '.chatbot');
}

/** The embedded database's folder inside the data folder: `<dataDir>/pglite`. */
export function embeddedDbDir(dataDir: string): string {
  return join(dataDir, 'pglite');
}
