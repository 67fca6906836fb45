/**
 * Hearth's configuration: defaults from config/defaults.json, overridden by the
 * `--config` file, `HEARTH_` variables and flags, in that order; checked before anything
 * starts. See docs/configuration.md for every key.
 *
 * @example
 * import { loadConfig, ConfigError, formatConfig } from '../config/index.ts';
 * try {
 *   const { config } = loadConfig(process.argv.slice(3));
 *   process.stdout.write(formatConfig(config));
 * } catch (err) {
 *   if (err instanceof ConfigError) { process.stderr.write(`${err.message}\n`); process.exit(2); }
 *   throw err;
 * }
 */
import { settings } from '../contracts/index.ts';

export { loadConfig, type LoadedConfig, type LoadOptions } from './load.ts';
export { ConfigError, formatProblem, type ConfigProblem } from './problems.ts';
export { redact, formatConfig, isSecretKey, REDACTED } from './redact.ts';
export { describeSource, type ConfigSource } from './source.ts';
export { INTERNAL_ENV, envName } from './env.ts';
export { FLAGS } from './flags.ts';
export { backupDir, CRON_MODE } from './backup-settings.ts';
export { defaultsJson, keysTable, withKeysTable } from './settings-docs.ts';
export {
  CONFIG,
  BUILTIN_SERVICES,
  OWNER_ROLES,
  type OwnerRole,
  SERVICE_NAME,
  type HearthConfig,
  type LogConfig,
  type BrokerConfig,
  type BrokerWebSocketConfig,
  type ServiceConfig,
  type ServiceDbConfig,
  type SupervisorConfig,
  type BackupConfig,
  type ReplicationConfig,
  type KitConfig,
  type UsersConfig,
  type GatewayConfig,
  type WebConfig,
} from './schema.ts';

/** Splits `HOST:PORT` (`"[::1]:8080"` → `{ host: '::1', port: 8080 }`); declared with the settings it checks. */
export const parseHostPort = settings.parseHostPort;
/** A parsed `HOST:PORT`. */
export type HostPort = settings.HostPort;
