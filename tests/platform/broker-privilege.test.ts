/**
 * Scoped broker access under a real `hearth serve` with the built-in services (issue #13,
 * finding 7). The owner's credential in its default role (none named) sees the domain events of a
 * sign-up but nothing in transit — not the password of the sign-in, not the tokens in the
 * reply — and cannot ask the users service anything. A compromised service, holding the
 * credential its process was given (read here from the chat process's environment, as an
 * attacker inside it would), cannot get `svc.users.me` answered for a user; the gateway's
 * credential can, which shows the request itself is sound.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { users } from '../../src/contracts/index.ts';
import { Requester } from '../../src/kit/index.ts';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { OPEN_API, OWNER, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { multiProcessOnly } from '../support/one-process.ts';

const hasProc = existsSync('/proc/self/environ');

/** The environment of the `hearth service <name>` child of supervisor `pid`, read from /proc. */
function childEnvOf(pid: number, service: string): Record<string, string> | undefined {
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let env: Record<string, string>;
    try {
      env = Object.fromEntries(
        readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
    } catch {
      continue; // gone, or not ours
    }
    if (env.HEARTH_SUPERVISED === String(pid) && env.HEARTH_SERVICE === service) return env;
  }
  return undefined;
}

async function post(url: string, body: unknown): Promise<any> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return r.json();
}

/** Connects with the credential a child of Hearth was given. */
function connectAs(env: Record<string, string>, service: string): Promise<NatsConnection> {
  return connect({ servers: env.HEARTH_BROKER__URL!, user: env.HEARTH_BROKER__USER!, pass: env.HEARTH_BROKER__PASSWORD!, inboxPrefix: `_INBOX.${service}` });
}

describe('scoped broker access under hearth serve', { timeout: 120_000, skip: multiProcessOnly("it reads each service's broker credential from its child's environment") }, () => {
  it('shows the owner events but nothing in transit, and lets no service act for a user', { skip: hasProc ? undefined : 'no /proc to read a child environment from' }, async () => {
    const cfg = writeTestConfig(OPEN_API, { builtIn: true, ownerRole: 'default' });
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    const open: NatsConnection[] = [];
    try {
      const { http, broker } = await bannerOf(h);
      const owner = await connect({ servers: broker, user: OWNER.user, pass: OWNER.password });
      open.push(owner);
      const everything: string[] = [];
      const events: string[] = [];
      const eventBytes: Buffer[] = [];
      const refused: Error[] = [];
      owner.subscribe('>', { callback: (err, m) => (err ? refused.push(err) : everything.push(`${m.subject} ${new TextDecoder().decode(m.data)}`)) });
      owner.subscribe('evt.>', { callback: (_e, m) => m && (events.push(m.subject), eventBytes.push(Buffer.from(m.data))) });
      owner.subscribe('_INBOX.>', { callback: (err, m) => (err ? refused.push(err) : everything.push(m.subject)) });
      await owner.flush();

      const password = 'a long passphrase 9d1e';
      await post(`${http}/v1/auth/register`, { email: 'ann@example.home', password, displayName: 'Ann' });
      const tokens = await post(`${http}/v1/auth/login`, { email: 'ann@example.home', password });
      assert.ok(tokens.accessToken, 'signed in');
      await waitFor('the sign-up event', async () => events.includes('evt.users.user.registered'), 10_000);
      assert.deepEqual(everything, [], 'the owner received something besides events');
      for (const secret of [password, tokens.accessToken, tokens.refreshToken]) {
        assert.ok(secret && !eventBytes.some((b) => b.includes(secret)), 'an event carries a password or token');
      }
      assert.equal(refused.length, 2, 'the broker refuses the owner ">" and "_INBOX.>"');
      const actor = { userId: tokens.userId as string, sessionId: tokens.sessionId as string };
      assert.ok(actor.userId && actor.sessionId, 'the sign-in names the user and session');

      const once = { timeoutMs: 1500, maxRequestBytes: 65536, attempts: 1 };
      await assert.rejects(new Requester(owner, once).request(users.GetMe, { actor }), 'the owner got svc.users.me answered');

      const chatEnv = await waitFor("the chat process's environment", async () => childEnvOf(h.child.pid!, 'chat'), 10_000);
      const chat = await connectAs(chatEnv, 'chat');
      open.push(chat);
      await assert.rejects(new Requester(chat, once).request(users.GetMe, { actor }), "chat's credential got svc.users.me answered");
      await assert.rejects(new Requester(chat, once).request(users.Login, { email: 'ann@example.home', password }), "chat's credential signed Ann in");

      const gateway = await connectAs((await waitFor("the gateway's environment", async () => childEnvOf(h.child.pid!, 'gateway'), 10_000))!, 'gateway');
      open.push(gateway);
      assert.equal((await new Requester(gateway, once).request(users.GetMe, { actor })).displayName, 'Ann');
      assert.equal(h.output().includes(password), false, 'the password appears in the output');
    } finally {
      for (const nc of open) await nc.close().catch(() => undefined);
      await h.stop('SIGTERM');
    }
  });
});
