/**
 * Runs one test service as a process of its own, for tests that must kill a real process.
 * Reads HEARTH_TEST_SERVICE (`ledger`, `tally`, `conductor`, `north`, `south`), HEARTH_TEST_BROKER_URL
 * and HEARTH_TEST_DB, and optionally HEARTH_TEST_SETTINGS (JSON, the service's settings) and
 * HEARTH_TEST_REQUEST_TIMEOUT_MS;
 * writes the service's log to stderr and one line `ready <pid>` to stdout once it answers
 * requests; stops cleanly (finishing requests, publishing events) on SIGTERM.
 *
 * @example
 * HEARTH_TEST_SERVICE=ledger HEARTH_TEST_BROKER_URL=nats://127.0.0.1:4222 HEARTH_TEST_DB=/tmp/l.db \
 *   node --import tsx tests/kit-service/run.ts
 */
import { runService, type ServiceDefinition } from '../../src/kit/index.ts';
import ledger from './ledger.ts';
import tally from './tally.ts';
import conductor from './conductor.ts';
import { north, south } from './depot.ts';

const services: Record<string, ServiceDefinition> = { ledger, tally, conductor, north, south };

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const def = services[env('HEARTH_TEST_SERVICE')];
if (!def) throw new Error(`HEARTH_TEST_SERVICE must be one of ${Object.keys(services).join(', ')}`);

const svc = await runService(def, {
  broker: { url: env('HEARTH_TEST_BROKER_URL') },
  db: { path: env('HEARTH_TEST_DB') },
  log: { format: 'json', write: (line) => void process.stderr.write(line) },
  catchupMs: 500,
  settings: JSON.parse(process.env.HEARTH_TEST_SETTINGS ?? '{}') as unknown,
  ...(process.env.HEARTH_TEST_REQUEST_TIMEOUT_MS ? { requestTimeoutMs: Number(process.env.HEARTH_TEST_REQUEST_TIMEOUT_MS) } : {}),
  sagaPollMs: 200,
});
process.once('SIGTERM', () => {
  svc.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`stop failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
});
process.stdout.write(`ready ${process.pid}\n`);
