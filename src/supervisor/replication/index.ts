/**
 * Continuous replication with Litestream (docs/operations.md).
 * `findLitestream` and `restoreReplica` are what the restore and standby commands build on.
 */
export { findLitestream, LitestreamMissing, LITESTREAM_PACKAGE } from './find-litestream.ts';
export { restoreReplica, type RestoredReplica } from './restore-replica.ts';
export { replicaTarget, replicaName, ReplicationError, type ReplicaTarget } from './litestream-config.ts';
export { startReplicator, replicatedDbs, LITESTREAM_CONFIG_FILE, type Replicator } from './replicator.ts';
