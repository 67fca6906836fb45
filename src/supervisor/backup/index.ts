/**
 * Backups and restores (docs/operations.md): `hearth backup` and `hearth restore`.
 * Being built (#15): the commands below are placeholders until their modules land.
 */
import { fail } from '../command-line.ts';

/** `hearth backup [--data DIR] [--out FILE]`. */
export async function runBackup(_argv: string[], _builtins: readonly string[]): Promise<number> {
  return fail('hearth backup is not built yet');
}

/** `hearth restore <archive> --data DIR` and `hearth restore --from-replica URL --data DIR`. */
export async function runRestore(_argv: string[], _builtins: readonly string[]): Promise<number> {
  return fail('hearth restore is not built yet');
}
