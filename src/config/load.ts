/**
 * Loading the configuration: defaults (config/defaults.json) < the `--config` file <
 * `HEARTH_` variables < flags, then the schema and cross-key checks. Nothing here touches
 * the data directory: a bad configuration stops the process before any data is opened.
 */
import { resolve } from 'node:path';
import process from 'node:process';
import { DEFAULTS } from '../../config/index.ts';
import { crossChecks } from './checks.ts';
import { readEnv } from './env.ts';
import { readConfigFile } from './file.ts';
import { readFlags } from './flags.ts';
import { isMap, mergeLayers, pathKey, sourceOf } from './merge.ts';
import type { Layer, Merged } from './merge.ts';
import { ConfigError } from './problems.ts';
import type { ConfigProblem } from './problems.ts';
import type { HearthConfig } from './schema.ts';
import type { ConfigSource } from './source.ts';
import { validate } from './validate.ts';

/** Options for `loadConfig`. */
export interface LoadOptions {
  /** What relative paths (`--config`, `data`, `entry`) are relative to; the process's by default. */
  cwd?: string;
}

/** The outcome of `loadConfig`. */
export interface LoadedConfig {
  config: HearthConfig;
  /** Where each leaf key's value came from, by dotted key (`broker.url`). */
  sources: Record<string, ConfigSource>;
  /** The arguments that were not flags (a command, a service name), in order. */
  rest: string[];
  /** The `--config` file as an absolute path, when there was one (to hand on to children). */
  configFile?: string;
}

const DEFAULT_LAYER: Layer = { values: DEFAULTS, origin: () => ({ kind: 'default' }) };

/**
 * Builds the effective configuration from `argv`, `env` and the file `--config` names.
 * Throws a `ConfigError` listing every problem found.
 *
 * @example
 * const { config, rest } = loadConfig(['users', '--broker', 'nats://10.0.0.2:4222']);
 */
export function loadConfig(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  options: LoadOptions = {},
): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const flags = readFlags(argv);
  const problems: ConfigProblem[] = [...flags.problems];
  const layers = [DEFAULT_LAYER];
  if (flags.configFile !== undefined) {
    const file = readConfigFile(flags.configFile, cwd, env);
    problems.push(...file.problems);
    if (file.layer) layers.push(file.layer);
  }
  const fromEnv = readEnv(env);
  problems.push(...fromEnv.problems);
  layers.push(fromEnv.layer, flags.layer);

  const merged = mergeLayers(layers);
  const checked = validate(merged);
  const reported = new Set(checked.problems.map((p) => p.key));
  problems.push(...checked.problems, ...crossChecks(merged).filter((p) => !reported.has(p.key)));
  if (problems.length > 0 || !checked.config) throw new ConfigError(problems);

  const config = withAbsolutePaths(checked.config, cwd);
  return {
    config,
    sources: leafSources(config, merged),
    rest: flags.rest,
    ...(flags.configFile === undefined ? {} : { configFile: resolve(cwd, flags.configFile) }),
  };
}

function withAbsolutePaths(config: HearthConfig, cwd: string): HearthConfig {
  config.data = resolve(cwd, config.data);
  for (const svc of Object.values(config.services)) if (svc.entry !== '') svc.entry = resolve(cwd, svc.entry);
  const tls = config.broker.tls;
  for (const k of ['ca_file', 'cert_file', 'key_file'] as const) if (tls[k] !== '') tls[k] = resolve(cwd, tls[k]);
  return config;
}

function leafSources(config: HearthConfig, merged: Merged): Record<string, ConfigSource> {
  const out: Record<string, ConfigSource> = {};
  const walk = (value: unknown, path: string[]): void => {
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    } else if (path.length > 0) {
      out[pathKey(path)] = sourceOf(merged.sources, path, true);
    }
  };
  walk(config, []);
  return out;
}
