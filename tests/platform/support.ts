/** A Hearth configuration for platform tests: ephemeral ports, a temp data dir, the test services. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { createClient } from '@libsql/client';
import { root } from '../support/hearth-process.ts';

export const OWNER = { user: 'owner', password: 'owner-pw-7f3a9c' };

/**
 * Writes a configuration file with the ledger and tally test services (as plug-ins, or not
 * named at all when they are compiled in), and the owner's broker credential in role
 * `full` unless told otherwise (`'default'`: the role not named); returns its path and data dir.
 */
export function testConfig(extra = '', o: { builtIn?: boolean; ownerRole?: string } = {}): { file: string; data: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-platform-'));
  const data = join(dir, 'data');
  const file = join(dir, 'hearth.conf');
  writeFileSync(
    file,
    `# platform test configuration
data: "${data}"
http: "127.0.0.1:0"
broker {
  port: -1
  websocket { port: -1 }
  user: "${OWNER.user}"
  password: "${OWNER.password}"
  # most platform tests drive the services directly as the owner
  ${o.ownerRole === 'default' ? '' : `owner_role: ${o.ownerRole ?? 'full'}`}
}
${o.builtIn ? '' : `services {
  ledger { entry: "${join(root, 'tests/kit-service/ledger.ts')}" }
  tally { entry: "${join(root, 'tests/kit-service/tally.ts')}" }
}`}
supervisor { restart_initial_ms: 100, health_interval_ms: 200 }
kit { catchup_interval_ms: 500 }
log { format: "json" }
${extra}
`,
  );
  return { file, data, dir };
}

/** Connects to a running Hearth's broker as the owner. */
export function ownerClient(brokerUrl: string): Promise<NatsConnection> {
  return connect({ servers: brokerUrl, user: OWNER.user, pass: OWNER.password });
}

/** Runs a query on a service's database file (after Hearth stopped, or read-only while it runs). */
export async function sql(file: string, query: string): Promise<Record<string, unknown>[]> {
  const c = createClient({ url: `file:${file}` });
  try {
    return (await c.execute(query)).rows as unknown as Record<string, unknown>[];
  } finally {
    c.close();
  }
}

/** GET a JSON document. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}

/** Extra configuration for tests that drive the built-in services through the API: open registration, no rate limits in the way. */
export const OPEN_API = `users { registration: "open" }
gateway { user_rate_per_minute: 1000000, ip_rate_per_minute: 1000000, auth_rate_per_minute: 100000 }`;

/** Environment that leaves the built-in services out, so a test runs only ledger and tally (two children, not seven). */
export const ONLY_TEST_SERVICES: Record<string, string> = Object.fromEntries(
  ['users', 'location', 'chat', 'notifications', 'gateway'].map((s) => [`HEARTH_SERVICES__${s.toUpperCase()}__ENABLED`, 'false']),
);
