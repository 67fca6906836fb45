/**
 * The broker's configuration, as nats-server builds its own: defaults, then the file named
 * by -c, then the flags over both (opts.go ConfigureOptions), then the checks nats-server
 * makes before starting (server.go validateOptions).
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { DEFAULT_OPTIONS, DEFAULT_TLS_TIMEOUT, withDefaults } from '../server/options.ts';
import type { BrokerOptions, TlsOptions } from '../server/options.ts';
import { formatGoDuration } from './duration.ts';
import { parseFlags } from './flags.ts';
import type { ParsedFlags } from './flags.ts';
import { parseConf } from './parse-conf.ts';
import { toOptions } from './to-options.ts';
import type { ConfOptions } from './to-options.ts';
import { USAGE } from './usage.ts';

export { ConfError, keyPosition } from './conf-meta.ts';
export type { ConfPosition } from './conf-meta.ts';
export { parseConf } from './parse-conf.ts';
export { toOptions } from './to-options.ts';
export { parseFlags } from './flags.ts';
export { USAGE } from './usage.ts';

/** The outcome of reading the command line and configuration file. */
export interface LoadedBrokerOptions {
  options: BrokerOptions;
  /** Things to tell the operator: ignored settings, deprecated forms. */
  warnings: string[];
  /** Set when -h/--help was given: print it and exit. */
  help?: string;
  /** Set when -v/--version was given: print the version and exit. */
  version?: boolean;
  /** Set when -t was given: the configuration is valid; say so and exit. */
  checkConfig?: boolean;
  /** The file named by -c, if any. */
  configFile?: string;
}

/**
 * Builds the broker's options from argv (the arguments after `broker`) and, for `$NAME`
 * in the file, `env`. Throws an Error (a ConfError with file:line:column where one
 * applies) on a bad flag, an unreadable or invalid file, or options nats-server refuses.
 */
export function loadBrokerOptions(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): LoadedBrokerOptions {
  const flags = parseFlags(argv);
  // nats-server answers --version before --help.
  if (flags.version) return { options: withDefaults(), warnings: [], version: true };
  if (flags.help) return { options: withDefaults(), warnings: [], help: USAGE };

  let file: ConfOptions = { options: {}, warnings: [] };
  if (flags.configFile) {
    file = toOptions(parseConf(readConfigFile(flags.configFile), flags.configFile, env));
  } else if (flags.checkConfig) {
    throw new Error('must specify [-c, --config] option to check configuration file syntax');
  }

  const merged: Partial<BrokerOptions> = { ...file.options, ...definedOnly(flags.options) };
  const flagTls = tlsFromFlags(flags.tls, file.options.tls?.timeout);
  if (flagTls) merged.tls = flagTls;
  const flagAuth = definedOnly(flags.auth);
  if (Object.keys(flagAuth).length > 0) merged.authorization = { ...file.options.authorization, ...flagAuth };
  // Port 0 means "the default" in nats-server, from the file or from -p (setBaselineOptions).
  if (merged.port === 0) merged.port = DEFAULT_OPTIONS.port;
  // Monitoring listens on the client host unless told otherwise (setBaselineOptions).
  merged.httpHost ??= merged.host;

  const options = withDefaults(merged);
  validate(options);
  return {
    options,
    warnings: [...flags.warnings, ...file.warnings],
    ...(flags.checkConfig ? { checkConfig: true } : {}),
    ...(flags.configFile ? { configFile: flags.configFile } : {}),
  };
}

/**
 * Any of --tlscert, --tlskey, --tlscacert, --tlsverify (or --tls) replaces the file's tls
 * block, unless --tls=false says otherwise (opts.go ConfigureOptions and overrideTLS).
 */
function tlsFromFlags(f: ParsedFlags['tls'], fileTimeout: number | undefined): TlsOptions | undefined {
  const given = f.enable === true || f.cert !== undefined || f.key !== undefined || f.ca !== undefined || f.verify === true;
  if (!given || f.enable === false) return undefined;
  if (!f.cert) throw new Error('TLS Server certificate must be present and valid');
  if (!f.key) throw new Error('TLS Server private key must be present and valid');
  return { certFile: f.cert, keyFile: f.key, ...(f.ca ? { caFile: f.ca } : {}), verify: f.verify === true, timeout: fileTimeout ?? DEFAULT_TLS_TIMEOUT };
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`error opening config file: ${(err as Error).message}`, { cause: err });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The checks of server.go validateOptions that concern what this broker implements. */
function validate(o: BrokerOptions): void {
  if (o.lameDuckDuration > 0 && o.lameDuckGracePeriod >= o.lameDuckDuration) {
    throw new Error(
      `lame duck grace period (${formatGoDuration(o.lameDuckGracePeriod)}) should be strictly lower than lame duck duration (${formatGoDuration(o.lameDuckDuration)})`,
    );
  }
  if (o.maxPayload > o.maxPending) {
    throw new Error(`max_payload (${o.maxPayload}) cannot be higher than max_pending (${o.maxPending})`);
  }
  // nats-server takes any number here and fails when it listens; saying so now is kinder.
  for (const [name, port] of [['port', o.port], ['http_port', o.httpPort]] as const) {
    if (!Number.isInteger(port) || port < -1 || port > 65535) {
      throw new Error(`${name} must be between -1 and 65535, got ${port}`);
    }
  }
}
