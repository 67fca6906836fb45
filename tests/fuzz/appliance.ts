/**
 * The appliance the fuzzers attack: a real `hearth serve` (Node) on a fresh data
 * directory, ephemeral ports, open registration and rate limits out of the way (a limit
 * answering 429 is no finding), with one signed-in user who owns a group.
 */
import { rmSync } from 'node:fs';
import { serveAppliance } from '../support/appliance.ts';
import type { HearthProcess } from '../support/hearth-process.ts';
import { freePort } from '../support/net.ts';

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
  // A port chosen here: on a busy machine the banner may come before the gateway says its own.
  const served = await serveAppliance('users { registration: "open" }', { http: `127.0.0.1:${await freePort()}` });
  try {
    return await signUp(served.hearth, served.url, served.dir);
  } catch (err) {
    await served.hearth.stop('SIGKILL');
    rmSync(served.dir, { recursive: true, force: true });
    throw err;
  }
}

async function signUp(proc: HearthProcess, http: string, dir: string): Promise<Appliance> {
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

