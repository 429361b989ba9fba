#!/usr/bin/env node
// Báo cáo API công khai và kiểm tra thay đổi phá vỡ / public API report and breaking-change check.
//
// Extracts every published package's public surface (each `exports` entry point, resolved through
// the TypeScript compiler: exported names with their signatures, comments stripped) into
// docs/spec/api/<package>.api.md (committed, reviewed like code).
//
//   node scripts/api-report.mjs            rewrite the reports
//   node scripts/api-report.mjs --check [--base REF | --base-dir DIR]
//                                          fail when a report is stale, or when the surface changed
//                                          against --base (default HEAD) without a changeset:
//                                          removed/changed exports need `major` for that package,
//                                          new exports or new optional members need any bump.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'docs', 'spec', 'api');
const argv = process.argv.slice(2);
const check = argv.includes('--check');
const base = argv.includes('--base') ? argv[argv.indexOf('--base') + 1] : 'HEAD';
// Previous reports from a folder instead of git (a checkout of the base branch, or a test).
const baseDir = argv.includes('--base-dir') ? argv[argv.indexOf('--base-dir') + 1] : undefined;

// 1. Entry points of every published package (workspace `exports` point at src/*.ts).
const packages = [];
for (const folder of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', folder, 'package.json');
  if (!existsSync(file)) continue;
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (manifest.private) continue;
  const entries = Object.entries(manifest.exports ?? {})
    .filter(([, target]) => typeof target === 'string' && target.endsWith('.ts'))
    .map(([subpath, target]) => ({ subpath, file: join(root, 'packages', folder, target) }));
  packages.push({ name: manifest.name, folder, entries });
}

// 2. One program over every entry point (module resolution as in the workspace).
const options = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile).config, ts.sys, root).options;
const program = ts.createProgram(packages.flatMap((pkg) => pkg.entries.map((entry) => entry.file)), { ...options, noEmit: true });
const checker = program.getTypeChecker();
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.WriteArrowStyleSignature | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

const isPrivate = (node) => ts.getCombinedModifierFlags(node) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || (node.name && ts.isPrivateIdentifier(node.name));
function withoutBodies(node) {
  // Signatures only: bodies and initialisers are implementation, not API.
  return ts.visitEachChild(node, function visit(child) {
    if (ts.isBlock(child) && !ts.isSourceFile(child.parent)) return undefined;
    // A class's static initialisation block runs once when the module loads: no API.
    if (ts.isClassStaticBlockDeclaration(child)) return undefined;
    if ((ts.isPropertyDeclaration(child) || ts.isMethodDeclaration(child) || ts.isConstructorDeclaration(child) || ts.isGetAccessorDeclaration(child)) && isPrivate(child)) return undefined;
    if (ts.isPropertyDeclaration(child) && child.initializer) {
      const type = child.type ?? ts.factory.createTypeReferenceNode(checker.typeToString(checker.getTypeAtLocation(child), child, FLAGS));
      return ts.factory.updatePropertyDeclaration(child, child.modifiers, child.name, child.questionToken, type, undefined);
    }
    return ts.visitEachChild(child, visit, undefined);
  }, undefined);
}

function describe(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const parts = [];
  for (const declaration of target.declarations ?? []) {
    const sourceFile = declaration.getSourceFile();
    if (ts.isFunctionDeclaration(declaration) && declaration.body === undefined && (target.declarations ?? []).some((d) => d !== declaration && ts.isFunctionDeclaration(d) && d.body)) {
      parts.push(printer.printNode(ts.EmitHint.Unspecified, declaration, sourceFile).replace(/^export (declare )?/, '')); // an overload
      continue;
    }
    if (ts.isFunctionDeclaration(declaration) && declaration.body && (target.declarations ?? []).filter((d) => ts.isFunctionDeclaration(d)).length > 1) continue; // implementation of overloads
    if (ts.isVariableDeclaration(declaration)) {
      const type = declaration.type ? declaration.type.getText(sourceFile) : checker.typeToString(checker.getTypeOfSymbolAtLocation(target, declaration), declaration, FLAGS);
      parts.push(`const ${target.name}: ${type};`);
      continue;
    }
    if (ts.isSourceFile(declaration) || ts.isModuleDeclaration(declaration)) {
      parts.push(`namespace ${symbol.name}: ${checker.getExportsOfModule(target).map((s) => s.name).sort().join(', ')}`);
      continue;
    }
    parts.push(printer.printNode(ts.EmitHint.Unspecified, withoutBodies(declaration), sourceFile).replace(/^export (default )?/, '').replace(/^declare /, ''));
  }
  return parts.join('\n');
}

function surface(pkg) {
  const entries = [];
  for (const entry of pkg.entries) {
    const sourceFile = program.getSourceFile(entry.file);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol) throw new Error(`${pkg.name}${entry.subpath}: cannot read ${entry.file}`);
    const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name));
    entries.push({ subpath: entry.subpath, exports: exports.map((symbol) => ({ name: symbol.name, text: describe(symbol) })) });
  }
  return entries;
}

function render(pkg, entries) {
  const lines = [`# API report: ${pkg.name}`, '', '<!-- Generated by `node scripts/api-report.mjs`; do not edit. Reviewed in pull requests: a change here is a change users see. -->', ''];
  for (const entry of entries) {
    lines.push(`## \`${entry.subpath === '.' ? pkg.name : `${pkg.name}/${entry.subpath.slice(2)}`}\``, '');
    for (const item of entry.exports) lines.push(`### ${item.name}`, '', '```ts', item.text, '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Parses a rendered report back into `subpath → name → text`. */
function parse(markdown) {
  const result = new Map();
  let entry;
  for (const match of markdown.matchAll(/^## `([^`]+)`$|^### (.+)\n\n```ts\n([\s\S]*?)\n```$/gm)) {
    if (match[1]) result.set(match[1], (entry = new Map()));
    else entry?.set(match[2], match[3]);
  }
  return result;
}

const OPTIONAL_MEMBER = /^\s*(readonly\s+)?[\w$'"]+\?\s*[:(]/;
const CLASS_DECLARATION = /^(export\s+)?(declare\s+)?(abstract\s+)?class\s/;
/**
 * `added` when `after` only inserts optional members into `before` — or, for a class, any new
 * members (callers of a class are not broken by new methods; implementers of an interface are);
 * otherwise `changed`.
 */
function classify(before, after) {
  const old = before.split('\n');
  const isClass = CLASS_DECLARATION.test(old[0] ?? '');
  let i = 0;
  for (const line of after.split('\n')) {
    if (i < old.length && line === old[i]) i += 1;
    else if (!isClass && !OPTIONAL_MEMBER.test(line)) return 'changed';
    else if (isClass && (line.length === 0 || !line.startsWith(' '))) return 'changed';
  }
  return i === old.length ? 'added' : 'changed';
}

function changesetBumps() {
  const dir = join(root, '.changeset');
  const bumps = new Map();
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? '';
    for (const match of front.matchAll(/^\s*["']?(@[^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) {
      const rank = { patch: 1, minor: 2, major: 3 };
      if ((rank[match[2]] ?? 0) > (rank[bumps.get(match[1])] ?? 0)) bumps.set(match[1], match[2]);
    }
  }
  return bumps;
}

mkdirSync(reportDir, { recursive: true });
const problems = [];
const bumps = check ? changesetBumps() : new Map();
for (const pkg of packages) {
  const file = join(reportDir, `${pkg.folder}.api.md`);
  const rendered = render(pkg, surface(pkg));
  if (!check) {
    writeFileSync(file, rendered);
    continue;
  }
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current !== rendered) {
    problems.push(`${pkg.name}: docs/spec/api/${pkg.folder}.api.md is stale — run \`node scripts/api-report.mjs\` and commit it`);
    continue;
  }
  let previous;
  try {
    previous = baseDir ? readFileSync(join(baseDir, `${pkg.folder}.api.md`), 'utf8') : execFileSync('git', ['show', `${base}:docs/spec/api/${pkg.folder}.api.md`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    continue; // a new package or a first report: nothing to compare with
  }
  const before = parse(previous);
  const after = parse(rendered);
  const breaking = [];
  const additive = [];
  for (const [subpath, exports] of before) {
    for (const [name, text] of exports) {
      const now = after.get(subpath)?.get(name);
      if (now === undefined) breaking.push(`removed ${subpath} ${name}`);
      else if (now !== text) (classify(text, now) === 'added' ? additive : breaking).push(`${classify(text, now) === 'added' ? 'extended' : 'changed'} ${subpath} ${name}`);
    }
  }
  for (const [subpath, exports] of after) {
    for (const name of exports.keys()) if (!before.get(subpath)?.has(name)) additive.push(`added ${subpath} ${name}`);
  }
  const bump = bumps.get(pkg.name);
  if (breaking.length > 0 && bump !== 'major') {
    problems.push(`${pkg.name}: breaking API change without a "major" changeset for it:\n  - ${breaking.join('\n  - ')}`);
  } else if (additive.length > 0 && !bump) {
    problems.push(`${pkg.name}: API additions without a changeset for it (minor):\n  - ${additive.join('\n  - ')}`);
  }
}

if (problems.length > 0) {
  console.error(`api-report: ${problems.length} problem(s)\n${problems.join('\n')}\nSee docs/spec/versioning.md.`);
  process.exit(1);
}
console.error(check ? `api-report: ${packages.length} packages match their reports (base ${base})` : `api-report: wrote ${packages.length} reports to docs/spec/api/`);
