import { AsyncLocalStorage } from 'node:async_hooks';
import { AgentChatbotError } from '@agent-chatbot/core';
import { assertTenantId } from './tenant-id';
import type { Tx, TxScope } from './types';

/**
 * The statements that open a scope inside a fresh transaction. Shared by both drivers so the
 * tenancy rules are written once: tenant and anonymous work become `chatbot_app` (owns nothing, no
 * BYPASSRLS); only platform work keeps the owner role, and says so with `app.platform = 'on'`.
 */
export function scopeStatements(scope: TxScope): Array<{ sql: string; params?: readonly unknown[] }> {
  if (scope.kind === 'platform') return [{ sql: `SELECT set_config('app.platform', 'on', true)` }];
  // One statement instead of two (this runs at the start of every tenant transaction):
  // set_config('role', …, true) is SET LOCAL ROLE, with the same membership check.
  if (scope.kind === 'tenant') return [{ sql: `SELECT set_config('role', 'chatbot_app', true), set_config('app.tenant_id', $1, true)`, params: [scope.tenantId] }];
  return [{ sql: 'SET LOCAL ROLE chatbot_app' }];
}

/** Runs {@link scopeStatements} on a transaction that has just begun. */
export async function enterScope(tx: Tx, scope: TxScope): Promise<void> {
  for (const { sql, params } of scopeStatements(scope)) await tx.query(sql, params);
}

/** Validates the tenant id up front so a bad id is a 400 before any connection is taken. */
export function tenantScope(tenantId: string): TxScope {
  return { kind: 'tenant', tenantId: assertTenantId(tenantId) };
}

/** Which transaction (if any) the current async context is inside; used to catch nesting. */
export const activeTransaction = new AsyncLocalStorage<{ driver: string }>();

/**
 * Thrown when code opens a transaction inside another on PGlite, which has one connection: the
 * inner one would wait for the outer forever. Pass the outer `tx` down instead.
 */
export class NestedTransactionError extends AgentChatbotError {
  constructor() {
    super({
      code: 'nested_transaction',
      status: 500,
      message: 'A database transaction was opened inside another one; pass the outer tx down instead',
      messageVi: 'Mở giao dịch cơ sở dữ liệu lồng trong giao dịch khác; hãy truyền tx bên ngoài xuống',
      isRetryable: false,
    });
    this.name = 'NestedTransactionError';
  }
}

/** Wraps a driver's query function so the Tx refuses use after its transaction ended. */
export function guardTx(inner: Tx): { tx: Tx; close: () => void } {
  let open = true;
  const check = () => {
    if (!open) throw new Error('Transaction already finished: a Tx must not escape its callback');
  };
  return {
    tx: {
      query: (sql, params) => {
        check();
        return inner.query(sql, params);
      },
      exec: (sql) => {
        check();
        return inner.exec(sql);
      },
    },
    close: () => {
      open = false;
    },
  };
}
