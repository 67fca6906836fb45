/**
 * The appliance the fuzzers attack: a real `hearth serve` (Node) on a fresh data
 * directory, ephemeral ports, open registration and rate limits out of the way (a limit
 * answering 429 is no finding), with one signed-in user who owns a group.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../support/net.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bannerOf, startHearth, type HearthProcess } from '../support/hearth-process.ts';

/** A running appliance and its user. */
export interface Appliance {
  url: string;
  host: string;
  port: number;
  token: string;
  userId: string;
  groupId: string;
  proc: HearthProcess;
  /** Signs in again (the fuzzer may have signed the session out); returns the new token. */
  signIn(): Promise<string>;
  stop(): Promise<void>;
}

const EMAIL = 'fuzz@example.com';
const PASSWORD = 'a long password for the fuzzer';

/** Starts the appliance and signs its user up. */
export async function startAppliance(): Promise<Appliance> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-fuzz-'));
  const file = join(dir, 'hearth.conf');
  // A port chosen here: on a busy machine the banner may come before the gateway says its own.
  const port = await freePort();
  writeFileSync(
    file,
    `data: "${join(dir, 'data')}"
http: "127.0.0.1:${port}"
supervisor { ready_timeout_ms: 120000 }
broker { port: -1, websocket { port: -1 } }
users { registration: "open" }
gateway { auth_rate_per_minute: 100000, ip_rate_per_minute: 1000000, user_rate_per_minute: 1000000 }
log { format: "json", level: "info" }
`,
  );
  const proc = startHearth('node', ['serve', '--config', file], { cwd: dir });
  try {
    return await signUp(proc, `http://127.0.0.1:${port}`, dir);
  } catch (err) {
    await proc.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function signUp(proc: HearthProcess, http: string, dir: string): Promise<Appliance> {
  await bannerOf(proc, 120_000);
  for (let t = Date.now(); (await fetch(`${http}/readyz`).then((r) => r.status, () => 0)) !== 200; ) {
    if (Date.now() - t > 120_000) throw new Error(`not ready after 120 s:\n${proc.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const u = new URL(http);
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(http + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  await post('/v1/auth/register', { email: EMAIL, password: PASSWORD, displayName: 'Fuzz' });
  const login = await post('/v1/auth/login', { email: EMAIL, password: PASSWORD });
  const group = await post('/v1/groups', { name: 'Fuzzed' }, login.accessToken);
  const a: Appliance = {
    url: http,
    host: u.hostname,
    port: Number(u.port),
    token: login.accessToken,
    userId: login.userId,
    groupId: group.id,
    proc,
    // Retried: the users service may be busy hashing the fuzzer's passwords.
    signIn: async () => {
      for (let i = 0; ; i++) {
        try {
          return (a.token = (await post('/v1/auth/login', { email: EMAIL, password: PASSWORD })).accessToken);
        } catch (err) {
          if (i >= 10) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    },
    stop: async () => {
      await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return a;
}

