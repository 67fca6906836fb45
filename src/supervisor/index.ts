/**
 * The supervisor and the commands around it: `hearth serve` (run everything),
 * `hearth service <name>` (run one service; the supervisor's children are started this
 * way), `hearth rebuild <service>`, `hearth check`, `hearth config` and `hearth nats-authorization`. It starts services by command,
 * never by importing them: bin/ hands it the built-in services' loaders.
 */
export { runServe } from './serve.ts';
export { runServiceHost, type ServiceLoaders } from './service-host.ts';
export { runRebuild } from './rebuild.ts';
export { runConfigCommand } from './config-command.ts';
export { runNatsAuthorization } from './nats-authorization.ts';
export { runCheck } from './check-command.ts';
export { runBackup, runRestore, writeBackup, verifyBackup, installRestore, BackupError, type BackupManifest, type RestoredDatabase } from './backup/index.ts';
export { findLitestream, LitestreamMissing, restoreReplica, ReplicationError, type RestoredReplica } from './replication/index.ts';
export { runStandby, runPromote } from './standby/index.ts';
export { runBackupWorker } from './backup-schedule/index.ts';
