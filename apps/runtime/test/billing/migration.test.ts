/** Migration 0013 is the billing package's schema, byte for byte (fails the moment they diverge). */
import { readFileSync } from 'node:fs';
import { BILLING_SCHEMA_SQL } from '@agent-chatbot/billing/pg';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/db/migrate';

describe('migration 0013_billing', () => {
  it('equals packages/billing/src/pg/schema.sql and BILLING_SCHEMA_SQL', () => {
    const migration = loadMigrations().find((m) => m.version === '0013_billing');
    expect(migration).toBeDefined();
    const schema = readFileSync(new URL('../../../../packages/billing/src/pg/schema.sql', import.meta.url), 'utf8');
    expect(migration!.sql).toBe(schema);
    expect(migration!.sql).toBe(BILLING_SCHEMA_SQL);
  });
});
