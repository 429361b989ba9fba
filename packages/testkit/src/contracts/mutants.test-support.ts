import { runContractCase, type ContractCase, type ContractTracker } from './contract-suite';

/**
 * Runs the case titled `title` against the fixture; true when the case fails, i.e. the contract
 * caught the implementation. Used by the testkit's own tests with deliberately broken plugins.
 */
export async function contractCatches<F>(
  cases: ReadonlyArray<ContractCase<F>>,
  title: string,
  fixture: (tracker: ContractTracker) => F,
): Promise<boolean> {
  const contractCase = cases.find((candidate) => candidate.title === title);
  if (!contractCase) throw new Error(`No contract case titled "${title}"`);
  try {
    await runContractCase(contractCase, fixture);
    return false;
  } catch {
    return true;
  }
}

/** Yields to the event loop, the way a network round trip would, to expose check-then-act races. */
export const roundTrip = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
