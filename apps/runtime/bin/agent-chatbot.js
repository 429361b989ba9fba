#!/usr/bin/env node
// The `agent-chatbot` CLI. Built code lives in dist/; `make setup` builds it.
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('agent-chatbot chưa được build — hãy chạy `make setup`. / Not built yet: run `make setup`.');
    process.exit(1);
  }
  throw error;
});
