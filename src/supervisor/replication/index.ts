/**
 * Continuous replication with Litestream, the standby and its promotion (docs/operations.md).
 * Being built (#15): the commands below are placeholders until their modules land.
 */
import { fail } from '../command-line.ts';

/** `hearth standby --from-replica URL [--data DIR]`. */
export async function runStandby(_argv: string[], _builtins: readonly string[]): Promise<number> {
  return fail('hearth standby is not built yet');
}

/** `hearth promote [--data DIR]`. */
export async function runPromote(_argv: string[]): Promise<number> {
  return fail('hearth promote is not built yet');
}
