/**
 * Hearth's configuration for a test: `testConfig` for Hearth in this process (the object
 * Hearth loads, then edited), `writeTestConfig` for a spawned Hearth (a file with ephemeral
 * ports, a temp data directory and the test services), and the pieces of text tests add.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { loadConfig, type HearthConfig } from '../../src/config/index.ts';
import { root } from './hearth-process.ts';

/** Hearth's default configuration for a test: open registration and generous rate limits unless edited. */
export function testConfig(dir: string, edit: (c: HearthConfig) => void = () => {}): HearthConfig {
  const { config } = loadConfig([], {}, { cwd: dir });
  config.http = '127.0.0.1:0';
  config.public_url = 'https://hearth.test';
  config.users.registration = 'open';
  config.gateway.auth_rate_per_minute = 100_000;
  config.gateway.ip_rate_per_minute = 1_000_000;
  config.gateway.user_rate_per_minute = 1_000_000;
  edit(config);
  return config;
}

/** The owner's broker credential in a written configuration. */
export const OWNER = { user: 'owner', password: 'owner-pw-7f3a9c' };

/**
 * Writes a configuration file with the ledger and tally test services (as plug-ins, or not
 * named at all when they are compiled in), and the owner's broker credential in role
 * `full` unless told otherwise (`'default'`: the role not named); returns its path and data dir.
 */
export function writeTestConfig(extra = '', o: { builtIn?: boolean; ownerRole?: string } = {}): { file: string; data: string; dir: string } {
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

/** Extra configuration for tests that drive the built-in services through the API: open registration, no rate limits in the way. */
export const OPEN_API = `users { registration: "open" }
gateway { user_rate_per_minute: 1000000, ip_rate_per_minute: 1000000, auth_rate_per_minute: 100000 }`;

/** Environment that leaves the built-in services out, so a test runs only ledger and tally (two children, not seven). */
export const ONLY_TEST_SERVICES: Record<string, string> = Object.fromEntries(
  ['users', 'location', 'chat', 'notifications', 'gateway'].map((s) => [`HEARTH_SERVICES__${s.toUpperCase()}__ENABLED`, 'false']),
);
