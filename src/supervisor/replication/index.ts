/**
 * Continuous replication with Litestream, the standby and its promotion (docs/operations.md).
 * `findLitestream` and `restoreReplica` are what the restore and standby commands build on.
 * Being built (#15): the commands below are placeholders until their modules land.
 */
import { fail } from '../command-line.ts';

export { findLitestream, LitestreamMissing, LITESTREAM_PACKAGE } from './find-litestream.ts';
export { restoreReplica, type RestoredReplica } from './restore-replica.ts';
export { replicaTarget, replicaName, ReplicationError, type ReplicaTarget } from './litestream-config.ts';
export { startReplicator, replicatedDbs, LITESTREAM_CONFIG_FILE, type Replicator } from './replicator.ts';

/** `hearth standby --from-replica URL [--data DIR]`. */
export async function runStandby(_argv: string[], _builtins: readonly string[]): Promise<number> {
  return fail('hearth standby is not built yet');
}

/** `hearth promote [--data DIR]`. */
export async function runPromote(_argv: string[]): Promise<number> {
  return fail('hearth promote is not built yet');
}
