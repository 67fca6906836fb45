/** `hearth config`: prints the effective configuration, secrets redacted. */
import { formatConfig } from '../config/index.ts';
import { configOrExit } from './command-line.ts';

/** Prints the configuration `hearth serve` would use with these flags; resolves with the exit code. */
export async function runConfigCommand(argv: string[]): Promise<number> {
  const loaded = configOrExit(argv);
  if (typeof loaded === 'number') return loaded;
  process.stdout.write(formatConfig(loaded.config) + '\n');
  return 0;
}
