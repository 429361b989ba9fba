#!/usr/bin/env bash
# Ensures Node >= 22 and pnpm are available, then prints the PATH prefix to use.
# Node 20 is past end of life; vitest 5, tsup 9, pg-boss 12 and LanceDB need Node 22.
# Where the machine's Node is older, Node 22 comes from the npm registry's `node` package into .tools/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/.tools"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"

node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }

if [ "$(node_major node)" -lt 22 ]; then
  if [ ! -x "$TOOLS/node_modules/.bin/node" ] || [ "$(node_major "$TOOLS/node_modules/.bin/node")" -lt 22 ]; then
    echo "» Node $(node --version 2>/dev/null || echo none) < 22: installing Node 22 into .tools/ (npm registry package 'node')" >&2
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error node@22 >&2
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
fi

# pnpm: through corepack when the machine has it, else from the npm registry into .tools/.
if [ ! -x "$TOOLS/bin/pnpm" ]; then
  mkdir -p "$TOOLS/bin"
  if command -v corepack >/dev/null 2>&1 && COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0 corepack pnpm@"$PNPM_VERSION" --version >/dev/null 2>&1; then
    printf '#!/bin/sh\nCOREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0 exec corepack pnpm@%s "$@"\n' "$PNPM_VERSION" > "$TOOLS/bin/pnpm"
  else
    echo "» corepack unavailable: installing pnpm@$PNPM_VERSION into .tools/" >&2
    npm install --prefix "$TOOLS/pnpm" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
    printf '#!/bin/sh\nexec "%s/pnpm/node_modules/.bin/pnpm" "$@"\n' "$TOOLS" > "$TOOLS/bin/pnpm"
  fi
  chmod +x "$TOOLS/bin/pnpm"
fi
echo "$TOOLS/bin:$TOOLS/node_modules/.bin"
