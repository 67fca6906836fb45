/**
 * Debian's nats-server for the tests that run Hearth on a real one (tests/platform
 * external-broker and nats-cluster): where it is, the authorization docs/architecture.md ("An
 * external broker") tells a server's owner to give Hearth, and a server started on a config.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OWNER } from './config.ts';
import { waitFor } from './poll.ts';

/** The nats-server executable, or "" when it is not installed. */
export const natsServer = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();

/** The services whose inboxes Hearth's user may read here: the built-ins, the test services and the supervisor. */
const INBOXES = ['gateway', 'users', 'location', 'chat', 'notifications', 'ledger', 'tally', 'supervisor'].map((s) => `"_INBOX.${s}.>"`);

/**
 * An `authorization` block: `hearth` with exactly the permissions the documentation asks for,
 * and the test's own owner user without limits.
 */
export function hearthAuthorization(hearth: { user: string; password: string }): string {
  return `authorization {
  users: [
    { user: ${hearth.user}, password: "${hearth.password}", permissions: {
        publish: ["svc.>", "evt.>", "log.*.read", "sys.health.*", "sys.ready", "saga.>"]
        subscribe: ["svc.>", "evt.>", "log.*.read", "sys.health.*", "sys.ready", "saga.>", ${INBOXES.join(', ')}]
        allow_responses: true
    } }
    { user: "${OWNER.user}", password: "${OWNER.password}" }
  ]
}`;
}

/**
 * Starts nats-server on `conf` (written to `dir`, which must be its own), with `env` added to
 * its environment (what `$VARIABLE`s in `conf` read), and resolves with its client URL once
 * its ports file says it listens.
 */
export async function startNatsServer(dir: string, conf: string, env: Record<string, string> = {}): Promise<{ url: string; process: ChildProcess }> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'nats.conf');
  writeFileSync(file, conf);
  const process = spawn(natsServer, ['-c', file, '--ports_file_dir', dir], { stdio: 'ignore', env: { ...globalThis.process.env, ...env } });
  const ports = await waitFor("nats-server's ports file", async () => {
    const f = readdirSync(dir).find((n) => n.endsWith('.ports'));
    return f ? (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nats: string[] }) : undefined;
  }, 15_000);
  return { url: ports.nats[0]!, process };
}
