/** One service run in this process (its log kept in memory, so test output stays clean). */
import { runService, type RunOptions, type RunningService, type ServiceDefinition } from '../../src/kit/index.ts';

/** Log lines a service wrote, kept in memory. */
export interface LogSink {
  lines: Record<string, unknown>[];
  options: NonNullable<RunOptions['log']>;
}

/** A JSON log kept in memory. */
export function logSink(): LogSink {
  const lines: Record<string, unknown>[] = [];
  return { lines, options: { level: 'debug', format: 'json', write: (l) => void lines.push(JSON.parse(l)) } };
}

/** Runs `def` in this process against the broker at `url`, its database at `dbPath`. */
export function startService(def: ServiceDefinition, url: string, dbPath: string, extra: Partial<RunOptions> = {}): Promise<RunningService> {
  return runService(def, { broker: { url }, db: { path: dbPath }, log: logSink().options, ...extra });
}
