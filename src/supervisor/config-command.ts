/** `hearth config`: prints the effective configuration, secrets redacted. */
import { ConfigError, formatConfig, loadConfig } from '../config/index.ts';

/** Prints the configuration `hearth serve` would use with these flags; resolves with the exit code. */
export async function runConfigCommand(argv: string[]): Promise<number> {
  try {
    const { config } = loadConfig(argv);
    process.stdout.write(formatConfig(config) + '\n');
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`hearth: ${err.message}\n`);
    return 2;
  }
}
