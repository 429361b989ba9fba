// Scaffolds a publishable @agent-chatbot/* package: package.json with a source-first workspace
// `exports` map and a built `publishConfig.exports` (ESM + CJS + types for both), tsup and vitest configs.
// Usage: node scripts/new-package.mjs NAME "description" [subpath ...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...subpaths] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node scripts/new-package.mjs NAME "description" [subpath ...]');
  process.exit(1);
}
const dir = join('packages', name);
mkdirSync(join(dir, 'src'), { recursive: true });
const entries = ['index', ...subpaths.map((s) => `${s}/index`)];
const key = (e) => (e === 'index' ? '.' : `./${e.replace(/\/index$/, '')}`);
const exportsSrc = Object.fromEntries(entries.map((e) => [key(e), `./src/${e}.ts`]));
const exportsDist = Object.fromEntries(
  entries.map((e) => [
    key(e),
    {
      import: { types: `./dist/${e}.d.ts`, default: `./dist/${e}.js` },
      require: { types: `./dist/${e}.d.cts`, default: `./dist/${e}.cjs` },
    },
  ]),
);
const pkg = {
  name: `@agent-chatbot/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=22.12.0' },
  exports: { ...exportsSrc, './package.json': './package.json' },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  publishConfig: {
    access: 'public',
    exports: { ...exportsDist, './package.json': './package.json' },
  },
  scripts: {
    build: 'tsup',
    test: 'vitest run',
  },
  dependencies: {},
  peerDependencies: name === 'core' ? { zod: '^4.0.0' } : { '@agent-chatbot/core': 'workspace:^' },
  devDependencies: name === 'core' ? { zod: '^4.6.7' } : { '@agent-chatbot/core': 'workspace:*' },
};
const write = (file, text) => {
  if (!existsSync(join(dir, file))) writeFileSync(join(dir, file), text);
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write(
  'tsup.config.ts',
  `import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ${JSON.stringify(entries.map((e) => `src/${e}.ts`))},\n  format: ['esm', 'cjs'],\n  dts: true,\n  sourcemap: true,\n  clean: true,\n  target: 'node22',\n});\n`,
);
write(
  'vitest.config.ts',
  `import { defineProject } from 'vitest/config';\n\nexport default defineProject({\n  test: { name: '${name}' },\n});\n`,
);
write(
  'tsconfig.json',
  JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'], exclude: ['src/**/*.test.ts'] }, null, 2) + '\n',
);
write('README.md', `# @agent-chatbot/${name}\n\n${description}\n`);
for (const s of subpaths) mkdirSync(join(dir, 'src', s), { recursive: true });
for (const e of entries) write(join('src', `${e}.ts`), `export {};\n`);
console.log(`scaffolded ${dir}`);
