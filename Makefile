# agent-chatbot — two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Node >= 22 and pnpm, installed into .tools/ when the machine lacks them (scripts/bootstrap.sh).
TOOLS_PATH := $(shell ./scripts/bootstrap.sh)
export PATH := $(TOOLS_PATH):$(PATH)
export COREPACK_ENABLE_DOWNLOAD_PROMPT := 0
PNPM := pnpm

.PHONY: help setup install build run test lint typecheck unit sdk-checks bench soak docs clean

help:
	@echo "make run    — cài đặt, build và chạy runtime trên http://127.0.0.1:$${PORT:-8000} / install, build and serve"
	@echo "make test   — lint, kiểm tra kiểu và toàn bộ test / lint, type checks and every test"
	@echo "make setup  — chỉ cài đặt và build / install and build only"

install:
	$(PNPM) install --frozen-lockfile --prefer-offline

build: install
	$(PNPM) run build

setup: build

run: setup
	node apps/runtime/dist/cli.js serve

lint: install
	$(PNPM) run lint

typecheck: install
	$(PNPM) run typecheck

unit: install
	$(PNPM) exec vitest run

test: build lint typecheck
	$(PNPM) exec vitest run
	node deploy/validate.mjs
	$(MAKE) --no-print-directory sdk-checks

# The SDK as a product: packed tarballs installed outside the monorepo run every example; every
# public symbol documented (typedoc fails otherwise); public API changes need a changeset.
sdk-checks:
	node scripts/pack-check.mjs --skip-build
	$(PNPM) run docs
	node scripts/api-report.mjs --check

bench: setup
	$(PNPM) --filter @agent-chatbot/bench run bench

# Bounded soak with fault injection (at most 10 minutes; SOAK_MINUTES shortens it).
soak: setup
	$(PNPM) --filter @agent-chatbot/bench run soak -- --minutes $${SOAK_MINUTES:-5}

docs: install
	$(PNPM) run docs

clean:
	rm -rf node_modules packages/*/node_modules packages/*/dist apps/*/node_modules apps/*/dist
