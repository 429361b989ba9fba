/**
 * `pnpm --filter @agent-chatbot/dashboard run gen:api [-- --url http://127.0.0.1:8000]`:
 * regenerates `src/api/generated/openapi.ts` from the runtime's routes (in-process by default, or
 * from a running server's `/openapi.json` with `--url`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildRuntimeDocument, fetchRuntimeDocument, generateApiTypes, generatedTypesPath } from './generate-api-types';

const urlFlag = process.argv.indexOf('--url');
const url = urlFlag >= 0 ? process.argv[urlFlag + 1] : undefined;
const document = url ? await fetchRuntimeDocument(url) : await buildRuntimeDocument();
const source = await generateApiTypes(document);
mkdirSync(dirname(generatedTypesPath), { recursive: true });
writeFileSync(generatedTypesPath, source);
console.log(`wrote ${generatedTypesPath} (${Object.keys(document.paths ?? {}).length} paths)`);
