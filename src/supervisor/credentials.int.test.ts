/**
 * The per-boot credentials and the owner's roles, every line proved against a real broker:
 * each identity (the owner in each role, the gateway, two services, the supervisor) tries
 * to publish and to subscribe on every class of subject — user-facing operations
 * (`svc.*`), internal requests (`log.*.read`, `sys.*`), domain events, and other
 * processes' reply inboxes, saga steps (`saga.<service>.*`: each service listens for its own;
 * nobody may send them until #17 names the orchestrator) — and each attempt is expected allowed or denied by an explicit
 * table, not by re-reading the permissions. The same table runs against the embedded
 * broker as `hearth serve` starts it and against nats-server given the same users.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { createLogger, startBroker, type UserEntry } from '../../embedded-broker/index.ts';
import type { OwnerRole } from '../config/index.ts';
import { users as usersOps } from '../contracts/index.ts';
import { Requester } from '../kit/index.ts';
import { makeCredentials, OWNER_INBOX, SUPERVISOR_USER } from './credentials.ts';

const sc = StringCodec();
const PROBE = { user: 'probe', password: 'probe-pw-1' }; // a test-only user without limits, who watches and sends

const creds = makeCredentials(['gateway', 'users', 'chat']);
/** The owner's entry as makeCredentials makes it for `role`. */
const ownerEntry = (role: OwnerRole): UserEntry =>
  makeCredentials([], { user: `owner-${role}`, password: `pw-owner-${role}`, role }).authorization.users!.at(-1)!;
const users: UserEntry[] = [...creds.authorization.users!, ownerEntry('events'), ownerEntry('operator'), ownerEntry('full'), PROBE];

/** Who connects, with what, and the inbox prefix its process uses. */
const identities: Record<string, { user: string; password: string; inbox?: string }> = {
  'owner (events)': { user: 'owner-events', password: 'pw-owner-events' },
  'owner (operator)': { user: 'owner-operator', password: 'pw-owner-operator', inbox: OWNER_INBOX },
  'owner (full)': { user: 'owner-full', password: 'pw-owner-full' },
  gateway: { ...creds.services.get('gateway')!, inbox: '_INBOX.gateway' },
  users: { ...creds.services.get('users')!, inbox: '_INBOX.users' },
  chat: { ...creds.services.get('chat')!, inbox: '_INBOX.chat' },
  supervisor: { ...creds.supervisor, inbox: '_INBOX.supervisor' },
};

const EVENTS = ['evt.users.user.registered', 'evt.chat.message.sent', 'evt.gateway.typing.g1'];
/** Subjects each identity tries to publish on: user-facing, internal, events, others' inboxes. */
const PUBLISH = [
  'svc.users.me', 'svc.users.login', 'svc.chat.send', 'svc.supervisor.backups_list',
  'log.users.read', 'sys.health.users', 'sys.ready',
  ...EVENTS,
  '_INBOX.gateway.r1', '_INBOX.users.r1', '_INBOX.owner.r1',
  'saga.chat.erase_user',
];
/** Subjects each identity tries to listen on. */
const SUBSCRIBE = [
  'svc.users.me', 'svc.users.login', 'svc.chat.send', 'svc.supervisor.backups_list',
  'log.users.read', 'log.chat.read', 'sys.health.users', 'sys.health.chat', 'sys.ready',
  ...EVENTS,
  '_INBOX.gateway.r1', '_INBOX.users.r1', '_INBOX.chat.r1', '_INBOX.owner.r1', '_INBOX.supervisor.r1',
  'saga.users.erase_user', 'saga.chat.erase_user',
];

/** What each identity may do; everything else in PUBLISH and SUBSCRIBE must be denied. */
const expected: Record<string, { publish: string[]; subscribe: string[]; everything?: true }> = {
  'owner (events)': { publish: [], subscribe: EVENTS },
  'owner (operator)': { publish: ['log.users.read', 'sys.health.users', 'sys.ready'], subscribe: [...EVENTS, '_INBOX.owner.r1'] },
  'owner (full)': { publish: PUBLISH, subscribe: SUBSCRIBE, everything: true },
  gateway: {
    publish: ['svc.users.me', 'svc.users.login', 'svc.chat.send', 'svc.supervisor.backups_list', 'log.users.read', 'sys.health.users', 'sys.ready', 'evt.gateway.typing.g1'],
    subscribe: [...EVENTS, '_INBOX.gateway.r1'],
  },
  users: {
    publish: ['log.users.read', 'evt.users.user.registered', 'saga.chat.erase_user'],
    subscribe: ['svc.users.me', 'svc.users.login', 'log.users.read', 'sys.health.users', ...EVENTS, '_INBOX.users.r1', 'saga.users.erase_user'],
  },
  chat: {
    publish: ['log.users.read', 'evt.chat.message.sent'],
    subscribe: ['svc.chat.send', 'log.chat.read', 'sys.health.chat', ...EVENTS, '_INBOX.chat.r1', 'saga.chat.erase_user'],
  },
  supervisor: { publish: ['sys.health.users'], subscribe: ['sys.ready', 'svc.supervisor.backups_list', '_INBOX.supervisor.r1'] },
};

const settle = () => new Promise((r) => setTimeout(r, 100));

/** The subjects of PUBLISH that reach an unlimited listener when `nc` publishes on each. */
async function published(probe: NatsConnection, nc: NatsConnection): Promise<string[]> {
  const got: string[] = [];
  const sub = probe.subscribe('>', { callback: (_e, m) => m && sc.decode(m.data) === 'from-test' && got.push(m.subject) });
  await probe.flush();
  for (const s of PUBLISH) nc.publish(s, sc.encode('from-test'));
  await nc.flush();
  await probe.flush();
  await settle();
  sub.unsubscribe();
  return got.sort();
}

/** The subjects of SUBSCRIBE on which `nc` receives what the probe publishes. */
async function received(probe: NatsConnection, nc: NatsConnection): Promise<string[]> {
  const got = new Set<string>();
  const subs = SUBSCRIBE.map((s) => nc.subscribe(s, { callback: (err, m) => !err && m && got.add(m.subject) }));
  await nc.flush().catch(() => undefined); // a refused subscription is reported, not thrown
  for (const s of SUBSCRIBE) probe.publish(s, sc.encode('x'));
  await probe.flush();
  await nc.flush();
  await settle();
  for (const s of subs) s.unsubscribe();
  return [...got].sort();
}

/** Whether `nc` listening on `>` receives a sign-in request the probe sends. */
async function seesEverything(probe: NatsConnection, nc: NatsConnection): Promise<boolean> {
  let seen = false;
  const sub = nc.subscribe('>', { callback: (err, m) => !err && m?.subject === 'svc.users.login' && (seen = true) });
  await nc.flush().catch(() => undefined);
  probe.publish('svc.users.login', sc.encode('{"password":"hunter2"}'));
  await probe.flush();
  await nc.flush();
  await settle();
  sub.unsubscribe();
  return seen;
}

/** nats-server started with the same users (its configuration accepts JSON), or why it cannot run. */
const natsServer = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();

function natsServerUser(u: UserEntry): Record<string, unknown> {
  const p = u.permissions;
  if (!p) return { user: u.user, password: u.password };
  return {
    user: u.user,
    password: u.password,
    permissions: {
      ...(p.publish ? { publish: p.publish } : {}),
      ...(p.subscribe ? { subscribe: p.subscribe } : {}),
      ...(p.allowResponses ? { allow_responses: { max: p.allowResponses.maxMsgs } } : {}),
    },
  };
}

async function startNatsServer(): Promise<{ url: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-credentials-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `listen: "127.0.0.1:-1"\nauthorization ${JSON.stringify({ users: users.map(natsServerUser) })}\n`);
  const child: ChildProcess = spawn(natsServer, ['-c', conf, '--ports_file_dir', dir], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const f = readdirSync(dir).find((n) => n.endsWith('.ports'));
    if (f) {
      try {
        const url = (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nats: string[] }).nats[0]!;
        return { url, stop: () => (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })) };
      } catch {
        // the ports file is being written: read it again
      }
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('nats-server did not start');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const targets = [
  {
    name: 'the embedded broker',
    skip: undefined,
    start: async () => {
      const b = await startBroker({ port: -1, authorization: { users } }, createLogger({ debug: false, trace: false, quiet: true }));
      return { url: b.url, stop: () => void b.close() };
    },
  },
  { name: 'nats-server', skip: natsServer ? undefined : 'nats-server is not installed (apt-get install nats-server)', start: startNatsServer },
];

for (const target of targets) {
  if (target.skip) console.log(`# SKIPPING broker credentials against ${target.name}: ${target.skip}`);
  describe(`broker credentials on ${target.name}`, { skip: target.skip, timeout: 60_000 }, () => {
    let server: { url: string; stop(): void };
    let probe: NatsConnection;
    const open = (who: string) => {
      const id = identities[who]!;
      return connect({ servers: server.url, user: id.user, pass: id.password, ...(id.inbox ? { inboxPrefix: id.inbox } : {}) });
    };
    before(async () => {
      server = await target.start();
      probe = await connect({ servers: server.url, user: PROBE.user, pass: PROBE.password });
    });
    after(async () => {
      await probe.close();
      server.stop();
    });

    for (const [who, want] of Object.entries(expected)) {
      it(`${who}: publishes exactly where it should`, async () => {
        const nc = await open(who);
        try {
          assert.deepEqual(await published(probe, nc), [...want.publish].sort());
        } finally {
          await nc.close();
        }
      });
      it(`${who}: receives exactly what it should`, async () => {
        const nc = await open(who);
        try {
          assert.deepEqual(await received(probe, nc), [...want.subscribe].sort());
          assert.equal(await seesEverything(probe, nc), want.everything === true, 'listening on ">"');
        } finally {
          await nc.close();
        }
      });
    }

    it('lets the gateway call a service, and the service answer it once', async () => {
      const users = await open('users');
      const gateway = await open('gateway');
      try {
        users.subscribe('svc.users.me', { queue: 'users', callback: (_e, m) => (m.respond(sc.encode('me')), m.respond(sc.encode('again'))) });
        await users.flush();
        const got: string[] = [];
        const inbox = `${identities.gateway!.inbox}.t1`;
        gateway.subscribe(inbox, { callback: (_e, m) => got.push(sc.decode(m.data)) });
        gateway.publish('svc.users.me', sc.encode('?'), { reply: inbox });
        await gateway.flush();
        await users.flush();
        await gateway.flush();
        await settle();
        assert.deepEqual(got, ['me']);
      } finally {
        await users.close();
        await gateway.close();
      }
    });

    it('lets an operator owner ask for health and get the answer on its own inbox', async () => {
      const users = await open('users');
      const owner = await open('owner (operator)');
      try {
        users.subscribe('sys.health.users', { callback: (_e, m) => m.respond(sc.encode('ok')) });
        await users.flush();
        assert.equal(sc.decode((await owner.request('sys.health.users', sc.encode(''), { timeout: 2000 })).data), 'ok');
      } finally {
        await users.close();
        await owner.close();
      }
    });

    it('keeps a service from calling another service at all', async () => {
      const users = await open('users');
      const chat = await open('chat');
      try {
        let asked = 0;
        users.subscribe('svc.users.me', { callback: (_e, m) => (asked++, m.respond(sc.encode('me'))) });
        await users.flush();
        await assert.rejects(chat.request('svc.users.me', sc.encode('{"actor":{}}'), { timeout: 500 }));
        const requester = new Requester(chat, { timeoutMs: 500, maxRequestBytes: 1024, attempts: 1 });
        await assert.rejects(requester.request(usersOps.GetMe, { actor: { userId: '0190c9a4-7b1e-7000-8000-000000000001', sessionId: '0190c9a4-7b1e-7000-8000-000000000002' } }), { code: 'kit.not_permitted', kind: 'forbidden' });
        assert.equal(asked, 0);
      } finally {
        await users.close();
        await chat.close();
      }
    });
  });
}

describe('makeCredentials', () => {
  it('makes a new password at every boot', () => {
    const again = makeCredentials(['users']);
    assert.notEqual(again.services.get('users')!.password, creds.services.get('users')!.password);
    assert.ok(creds.services.get('users')!.password.length >= 32);
  });

  it('admits exactly the services, the supervisor and the owner', () => {
    const c = makeCredentials(['users', 'chat'], { user: 'me', password: 'pw', role: 'events' });
    assert.deepEqual(c.authorization.users!.map((u) => u.user), ['hearth-users', 'hearth-chat', SUPERVISOR_USER, 'me']);
    assert.deepEqual(makeCredentials(['users']).authorization.users!.map((u) => u.user), ['hearth-users', SUPERVISOR_USER]);
  });
});
