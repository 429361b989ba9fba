import { expectTypeOf, it } from 'vitest';
import type { Db, Tx } from '../../../../apps/runtime/src/db/types';
import type { BillingDb, BillingTx } from './db';

it("the runtime's Db and Tx satisfy BillingDb and BillingTx (type check)", () => {
  expectTypeOf<Db>().toExtend<BillingDb>();
  expectTypeOf<Tx>().toExtend<BillingTx>();
});
