/** What every `hearth` command does first: load the configuration, or say why not. */
import { ConfigError, loadConfig, type LoadedConfig } from '../config/index.ts';

/** Prints `hearth: <message>` to stderr; returns exit code 2 (a usage or configuration error). */
export function fail(message: string): number {
  process.stderr.write(`hearth: ${message}\n`);
  return 2;
}

/** The configuration for these flags, or the exit code after printing what is wrong with it. */
export function configOrExit(argv: string[]): LoadedConfig | number {
  try {
    return loadConfig(argv);
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
}
