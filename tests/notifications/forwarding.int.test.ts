/**
 * Forwarding against a real local HTTP server that records what arrives, on real libSQL
 * files: ntfy and webhook requests as their receivers expect them (the signature verified
 * here, independently), retries with growing waits, refusals, the breaker per target, the
 * attempt limit, two forwarders sharing one database, and logs without secrets or URLs.
 * Most tests drive `runOnce()` with a hand-moved clock; the loop is used where time is real.
 * One file, over 400 lines, on purpose: the scenarios share one recording server and one log
 * capture, and the last test checks every line the others (and their child processes) wrote.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { notifications } from '../../src/contracts/index.ts';
import { createLogger, migrate, openDb, uuidv7, type Db } from '../../src/kit/index.ts';
import { migrations } from '../../services/notifications/index.ts';
import { deliveryLog, enqueue, Forwarder, prune, verifySignature, type ForwarderOptions } from '../../services/notifications/forwarding/index.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { recorder, type Received, type Recorder, type Reply } from './support.ts';
import { waitFor } from '../support/poll.ts';

const SECRET = 'whsec-0123456789-abcdefghij';
const TOKEN = 'tk_s3cr3t_t0k3n_value';
const TOPIC = 'family-x7-9f3kq2';

const msg = (title: string, over: Partial<notifications.ForwardMessage> = {}): notifications.ForwardMessage => ({
  notificationId: uuidv7(),
  type: 'sos_raised',
  priority: 'urgent',
  title,
  body: `${title} (body)`,
  groupId: null,
  createdAt: new Date().toISOString(),
  ...over,
});

describe('forwarding', { timeout: FILE_TIMEOUT }, () => {
  const dir = useTempDir('forwarding');
  let rec: Recorder;
  let seen: Received[] = [];
  const routes = new Map<string, (n: number) => Reply>();
  const logLines: string[] = [];
  const log = createLogger({ service: 'notifications', level: 'debug', format: 'json', write: (l) => void logLines.push(l) });
  const dbs: Db[] = [];
  let base: string;

  before(async () => {
    rec = await recorder();
    seen = rec.received;
    base = rec.url;
    // Routed by path prefix; `n` counts the requests this route has had, this one included.
    rec.reply = (r) => {
      const route = [...routes].find(([prefix]) => r.path.startsWith(prefix));
      return route ? route[1](seen.filter((s) => s.path.startsWith(route[0])).length) : { status: 404 };
    };
  });
  after(async () => {
    for (const db of dbs) db.close();
    await rec.close();
  });

  let n = 0;
  async function freshDb(): Promise<{ db: Db; path: string }> {
    const path = join(dir, `f${++n}.db`);
    const db = await openDb({ path });
    await migrate(db, 'notifications', migrations);
    dbs.push(db);
    return { db, path };
  }
  async function addTarget(db: Db, userId: string, kind: 'ntfy' | 'webhook', url: string, secret: string | null): Promise<string> {
    const id = uuidv7();
    await db.write((tx) =>
      tx.execute('INSERT INTO targets (id, user_id, kind, label, url, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [id, userId, kind, kind, url, secret, new Date().toISOString()]),
    );
    return id;
  }
  const queue = (db: Db, userId: string, m: notifications.ForwardMessage, nowMs: number, targetId?: string) => db.write((tx) => enqueue(tx, userId, m, nowMs, targetId));
  const delivery = async (db: Db, id: number) => (await db.query('SELECT status, attempts, next_at FROM deliveries WHERE id = ?', [id]))[0]!;
  const at = (prefix: string) => seen.filter((s) => s.path.startsWith(prefix));
  /** A forwarder on a hand-moved clock. */
  function clocked(db: Db, o: Partial<ForwarderOptions> = {}) {
    const clock = { t: Date.now() };
    const f = new Forwarder({ db, log, now: () => clock.t, backoff: { initialMs: 1000, maxMs: 60_000 }, timeoutMs: 2000, ...o });
    return { f, clock };
  }

  it('publishes to ntfy as JSON at the server root, with topic, priority, tags, a UTF-8 title and the token', async () => {
    const { db } = await freshDb();
    routes.set('/ntfy-a/', () => ({ status: 200 }));
    const user = uuidv7();
    const target = await addTarget(db, user, 'ntfy', `${base}/ntfy-a/${TOPIC}`, TOKEN);
    const { f, clock } = clocked(db);
    const title = 'Zoë braucht Hilfe 🚨 — 助けて';
    const [id] = await queue(db, user, msg(title, { priority: 'urgent' }), clock.t);
    assert.equal(await f.runOnce(), 1);
    const [got] = at('/ntfy-a/');
    assert.ok(got);
    assert.equal(got.method, 'POST');
    assert.equal(got.path, '/ntfy-a/');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(JSON.parse(got.body), { topic: TOPIC, title, message: `${title} (body)`, priority: 5, tags: ['rotating_light', 'sos'] });
    assert.equal((await delivery(db, id!)).status, 'delivered');
    const logged = await deliveryLog(db, user, target, 10);
    assert.deepEqual(
      logged.map((a) => [a.deliveryId, a.attempt, a.outcome, a.httpStatus, a.error, a.title]),
      [[id, 1, 'delivered', 200, null, title]],
    );
  });

  it('posts a webhook whose signature the receiver can verify', async () => {
    const { db } = await freshDb();
    routes.set('/hook-b', () => ({ status: 204 }));
    const user = uuidv7();
    await addTarget(db, user, 'webhook', `${base}/hook-b?source=hearth`, SECRET);
    const { f, clock } = clocked(db);
    const m = msg('Bo arrived home', { type: 'destination_reached', priority: 'default' });
    const [id] = await queue(db, user, m, clock.t);
    assert.equal(await f.runOnce(), 1);
    const [got] = at('/hook-b');
    assert.ok(got);
    assert.equal(got.path, '/hook-b?source=hearth');
    assert.equal(got.headers['user-agent'], 'Hearth');
    assert.equal(got.headers['x-hearth-delivery'], String(id));
    const ts = String(got.headers['x-hearth-timestamp']);
    assert.equal(Number(ts), Math.floor(clock.t / 1000));
    const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${ts}.${got.body}`).digest('hex');
    assert.equal(got.headers['x-hearth-signature'], expected);
    assert.equal(verifySignature(SECRET, got.headers, got.body, clock.t), true);
    assert.equal(verifySignature('another-secret-entirely', got.headers, got.body, clock.t), false);
    assert.deepEqual(JSON.parse(got.body), { deliveryId: id, notification: m });
  });

  it('retries 503s with growing waits, then delivers; the log reads retrying, retrying, delivered', async () => {
    const { db } = await freshDb();
    routes.set('/flaky-c', (k) => ({ status: k <= 2 ? 503 : 200 }));
    const user = uuidv7();
    const target = await addTarget(db, user, 'webhook', `${base}/flaky-c`, SECRET);
    const { f, clock } = clocked(db);
    const [id] = await queue(db, user, msg('Ann is late'), clock.t);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      assert.equal(await f.runOnce(), 1, `attempt ${attempt}`);
      const d = await delivery(db, id!);
      if (attempt === 3) break;
      assert.equal(d.status, 'pending');
      waits.push(Number(d.next_at) - clock.t);
      assert.equal(await f.runOnce(), 0, 'not due before its wait is over');
      clock.t = Number(d.next_at);
    }
    // Half jitter on a 1 s base doubling: the first wait in [0.5 s, 1 s], the second in [1 s, 2 s].
    assert.ok(waits[0]! >= 500 && waits[0]! <= 1000, `first wait ${waits[0]}`);
    assert.ok(waits[1]! >= 1000 && waits[1]! <= 2000, `second wait ${waits[1]}`);
    assert.ok(waits[1]! >= waits[0]!, `waits grow: ${waits}`);
    assert.deepEqual(await delivery(db, id!), { status: 'delivered', attempts: 3, next_at: clock.t });
    const logged = await deliveryLog(db, user, target, 10);
    assert.deepEqual(logged.map((a) => [a.attempt, a.outcome, a.httpStatus, a.error]), [
      [3, 'delivered', 200, null],
      [2, 'retrying', 503, 'HTTP 503'],
      [1, 'retrying', 503, 'HTTP 503'],
    ]);
    const got = at('/flaky-c');
    assert.equal(got.length, 3);
    assert.ok(got.every((s) => s.headers['x-hearth-delivery'] === String(id) && verifySignature(SECRET, s.headers, s.body, clock.t, 3600)));
  });

  it('honours Retry-After on a 429, capped at the backoff maximum', async () => {
    const { db } = await freshDb();
    routes.set('/busy-d', (k) => ({ status: 429, headers: { 'Retry-After': k === 1 ? '7' : '86400' } }));
    const user = uuidv7();
    await addTarget(db, user, 'webhook', `${base}/busy-d`, SECRET);
    const { f, clock } = clocked(db);
    const [id] = await queue(db, user, msg('x'), clock.t);
    await f.runOnce();
    assert.equal(Number((await delivery(db, id!)).next_at) - clock.t, 7000);
    clock.t += 7000;
    await f.runOnce();
    assert.equal(Number((await delivery(db, id!)).next_at) - clock.t, 60_000);
  });

  it('fails at once when the receiver refuses (400), and sends no more', async () => {
    const { db } = await freshDb();
    routes.set('/refuse-e', () => ({ status: 400 }));
    const user = uuidv7();
    const target = await addTarget(db, user, 'webhook', `${base}/refuse-e`, SECRET);
    const { f, clock } = clocked(db);
    const [id] = await queue(db, user, msg('x'), clock.t);
    assert.equal(await f.runOnce(), 1);
    clock.t += 3_600_000;
    assert.equal(await f.runOnce(), 0);
    assert.equal((await delivery(db, id!)).status, 'failed');
    assert.equal(at('/refuse-e').length, 1);
    assert.deepEqual((await deliveryLog(db, user, target, 10)).map((a) => [a.outcome, a.httpStatus, a.error]), [['failed', 400, 'HTTP 400']]);
  });

  it('gives up after maxAttempts', async () => {
    const { db } = await freshDb();
    routes.set('/down-f', () => ({ status: 500 }));
    const user = uuidv7();
    const target = await addTarget(db, user, 'webhook', `${base}/down-f`, SECRET);
    const { f, clock } = clocked(db, { maxAttempts: 3 });
    const [id] = await queue(db, user, msg('x'), clock.t);
    for (let i = 0; i < 3; i++) {
      assert.equal(await f.runOnce(), 1);
      clock.t += 60_000;
    }
    assert.equal(await f.runOnce(), 0);
    assert.deepEqual(await delivery(db, id!), { status: 'failed', attempts: 3, next_at: clock.t - 60_000 });
    assert.deepEqual((await deliveryLog(db, user, target, 10)).map((a) => a.outcome), ['failed', 'retrying', 'retrying']);
    assert.equal(at('/down-f').length, 3);
  });

  it('opens the breaker of a dead target, defers its deliveries without attempts, and keeps a healthy target prompt', async () => {
    const { db } = await freshDb();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    routes.set('/ntfy-g/', () => ({ status: 200 }));
    const user = uuidv7();
    const dead = await addTarget(db, user, 'webhook', `http://127.0.0.1:${deadPort}/hook`, SECRET);
    const healthy = await addTarget(db, user, 'ntfy', `${base}/ntfy-g/${TOPIC}`, null);
    const { f, clock } = clocked(db, { breaker: { threshold: 3, cooldownMs: 10_000 } });
    for (let i = 1; i <= 5; i++) await queue(db, user, msg(`m${i}`), clock.t);

    assert.equal(await f.runOnce(), 3 + 5, 'three failures to the dead target, five deliveries to the healthy one');
    assert.equal(f.breakerState(dead), 'open');
    assert.equal(f.breakerState(healthy), 'closed');
    assert.equal(at('/ntfy-g/').length, 5);
    const attemptsOf = async (t: string) => Number((await db.query('SELECT count(*) AS n FROM delivery_attempts WHERE target_id = ?', [t]))[0]!.n);
    assert.equal(await attemptsOf(dead), 3);
    const reopenAt = clock.t + 10_000;
    const deferred = await db.query("SELECT attempts, next_at FROM deliveries WHERE target_id = ? AND attempts = 0 AND status = 'pending'", [dead]);
    assert.equal(deferred.length, 2);
    assert.ok(deferred.every((r) => Number(r.next_at) >= reopenAt - 50), 'the untried ones wait for the breaker');
    assert.deepEqual((await deliveryLog(db, user, dead, 10)).map((a) => a.error), ['connection refused', 'connection refused', 'connection refused']);

    clock.t += 2_500; // the first retries fall due; the breaker is still open
    await queue(db, user, msg('m6'), clock.t);
    assert.equal(await f.runOnce(), 1, 'only the healthy target is sent to');
    assert.equal(at('/ntfy-g/').length, 6);
    assert.equal(await attemptsOf(dead), 3, 'deferring counts no attempt');
    const waiting = await db.query("SELECT next_at FROM deliveries WHERE target_id = ? AND status = 'pending'", [dead]);
    assert.equal(waiting.length, 6);
    assert.ok(waiting.every((r) => Number(r.next_at) > clock.t), 'all of them wait for the breaker');

    clock.t = reopenAt + 1; // half-open: one trial, which fails and opens it again
    assert.equal(await f.runOnce(), 1);
    assert.equal(await attemptsOf(dead), 4);
    assert.equal(f.breakerState(dead), 'open');

    // The receiver comes back on the same port: the next trial succeeds and the rest follow.
    const revived = createServer((req, res) => void req.resume().on('end', () => res.writeHead(200).end()));
    await new Promise<void>((r) => revived.listen(deadPort, '127.0.0.1', r));
    try {
      clock.t += 10_001;
      assert.equal(await f.runOnce(), 6);
      assert.equal(f.breakerState(dead), 'closed');
      const left = await db.query("SELECT count(*) AS n FROM deliveries WHERE status != 'delivered'");
      assert.equal(Number(left[0]!.n), 0);
    } finally {
      revived.closeAllConnections();
      await new Promise((r) => revived.close(r));
    }
    assert.ok(logLines.some((l) => l.includes('target unreachable')) && logLines.some((l) => l.includes('target reachable again')));
  });

  it('times out a slow target while a healthy one is served at once', async () => {
    const { db } = await freshDb();
    routes.set('/slow-h', () => ({ status: 200, delayMs: 3000 }));
    routes.set('/quick-h', () => ({ status: 200 }));
    const user = uuidv7();
    const slow = await addTarget(db, user, 'webhook', `${base}/slow-h`, SECRET);
    await addTarget(db, user, 'webhook', `${base}/quick-h`, SECRET);
    const f = new Forwarder({ db, log, timeoutMs: 800, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await queue(db, user, msg('one'), Date.now());
    await queue(db, user, msg('two'), Date.now());
    assert.equal(await f.runOnce(), 4);
    const quick = at('/quick-h');
    assert.equal(quick.length, 2);
    const logged = await deliveryLog(db, user, slow, 10);
    assert.deepEqual(logged.map((a) => [a.outcome, a.error]), [['retrying', 'timeout'], ['retrying', 'timeout']]);
    assert.ok(logged.every((a) => a.durationMs >= 750 && a.durationMs < 2500), JSON.stringify(logged));
    const firstTimeout = Date.parse(logged[1]!.at);
    assert.ok(quick[1]!.at < firstTimeout, 'both quick deliveries arrived before the slow target’s first attempt ended');
  });

  it('never sends one delivery twice from two forwarders (two processes) sharing the database', async () => {
    const { db, path } = await freshDb();
    routes.set('/shared-i', () => ({ status: 200, delayMs: 20 }));
    const users = [uuidv7(), uuidv7(), uuidv7()];
    for (const [u, user] of users.entries()) {
      await addTarget(db, user, 'webhook', `${base}/shared-i/${u}/a`, SECRET);
      await addTarget(db, user, 'webhook', `${base}/shared-i/${u}/b`, SECRET);
    }
    // Separate processes, as two service instances are: libSQL's busy wait blocks its own
    // process, so two writers in one process would only stall each other.
    const children = [startForwarderProcess(path), startForwarderProcess(path)];
    const ids: number[] = [];
    try {
      await Promise.all(children.map((c) => c.ready)); // both ticking before there is work
      for (let i = 0; i < 10; i++) for (const user of users) ids.push(...(await queue(db, user, msg(`m${i}`), Date.now())));
      await waitFor('every delivery sent', async () => Number((await db.query("SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'"))[0]!.n) === ids.length || undefined, 20_000);
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
    const sent = at('/shared-i').map((s) => Number(s.headers['x-hearth-delivery']));
    assert.equal(sent.length, ids.length, 'one request per delivery');
    assert.deepEqual([...new Set(sent)].sort((x, y) => x - y), [...ids].sort((x, y) => x - y));
    const rows = await db.query('SELECT count(*) AS n, max(attempt) AS top FROM delivery_attempts');
    assert.deepEqual([Number(rows[0]!.n), Number(rows[0]!.top)], [ids.length, 1]);
    const sentBy = children.map((c) => c.lines().filter((l) => l.includes('"msg":"delivered"')).length);
    assert.equal(sentBy[0]! + sentBy[1]!, ids.length, `the sends each logged: ${sentBy}`);
    assert.ok(sentBy[0]! > 0 && sentBy[1]! > 0, `both took part: ${sentBy}`);
    const trouble = children.flatMap((c) => c.lines()).filter((l) => /"level":"(warn|error)"/.test(l));
    assert.deepEqual(trouble, [], 'no lost lease, no busy database');
  });

  /** A Forwarder in a child process on the database at `path`; its log lines join this file's. */
  function startForwarderProcess(path: string): { ready: Promise<void>; stop: () => Promise<void>; lines: () => string[] } {
    const root = resolve(import.meta.dirname, '../..');
    const url = (p: string) => JSON.stringify(pathToFileURL(join(root, p)).href);
    const code = `
      const { createLogger, openDb } = await import(${url('src/kit/index.ts')});
      const { Forwarder } = await import(${url('services/notifications/forwarding/index.ts')});
      const db = await openDb({ path: process.env.FORWARD_DB });
      const log = createLogger({ service: 'notifications', level: 'debug', format: 'json', write: (l) => process.stderr.write(l) });
      const f = new Forwarder({ db, log, tickMs: 5, batch: 7 });
      f.start();
      process.on('SIGTERM', () => void f.stop().then(() => { db.close(); process.exit(0); }));
      process.stdout.write('ready\\n');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: root,
      env: { ...process.env, FORWARD_DB: path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const mine: string[] = [];
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      const parts = err.split('\n');
      err = parts.pop()!;
      for (const l of parts) (mine.push(l), logLines.push(l));
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const ready = new Promise<void>((r, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && r());
      void exited.then(() => reject(new Error(`the forwarder process exited early:\n${mine.join('\n')}${err}`)));
    });
    return { ready, lines: () => mine, stop: async () => void (child.kill('SIGTERM'), await exited) };
  }

  it('waits at stop for a send under way and records it', async () => {
    const { db } = await freshDb();
    routes.set('/stop-j', () => ({ status: 200, delayMs: 300 }));
    const user = uuidv7();
    await addTarget(db, user, 'webhook', `${base}/stop-j`, SECRET);
    const f = new Forwarder({ db, log, tickMs: 10_000 });
    f.start();
    const [id] = await queue(db, user, msg('x'), Date.now());
    f.kick();
    await waitFor('the request to arrive', () => at('/stop-j').length === 1);
    await f.stop();
    assert.equal((await delivery(db, id!)).status, 'delivered');
  });

  it('fails the deliveries of a deleted target, refuses another user\u2019s log, and queues only for the user\u2019s targets', async () => {
    const { db } = await freshDb();
    routes.set('/gone-k', () => ({ status: 200 }));
    const user = uuidv7();
    const stranger = uuidv7();
    const t1 = await addTarget(db, user, 'webhook', `${base}/gone-k/1`, SECRET);
    const t2 = await addTarget(db, user, 'webhook', `${base}/gone-k/2`, SECRET);
    const theirs = await addTarget(db, stranger, 'webhook', `${base}/gone-k/3`, SECRET);
    const { f, clock } = clocked(db);
    assert.deepEqual(await queue(db, uuidv7(), msg('nobody'), clock.t), []);
    assert.deepEqual(await queue(db, user, msg('not yours'), clock.t, theirs), []);
    const [only] = await queue(db, user, msg('just t2'), clock.t, t2);
    const [d1] = await queue(db, user, msg('to both'), clock.t);
    await db.write((tx) => tx.execute('DELETE FROM targets WHERE id = ?', [t1]));
    assert.equal(await f.runOnce(), 2, 'the two to t2');
    assert.equal((await delivery(db, d1!)).status, 'failed');
    assert.equal((await delivery(db, only!)).status, 'delivered');
    const [row] = await db.query('SELECT outcome, error FROM delivery_attempts WHERE delivery_id = ?', [d1!]);
    assert.deepEqual({ ...row }, { outcome: 'failed', error: 'target deleted' });
    await assert.rejects(deliveryLog(db, user, theirs, 10), (err: Error & { code?: string }) => err.code === 'notifications.no_target');
    await assert.rejects(deliveryLog(db, user, t1, 10), (err: Error & { code?: string }) => err.code === 'notifications.no_target');
  });

  it('prunes finished deliveries past retention and attempts beyond the per-target cap', async () => {
    const { db } = await freshDb();
    routes.set('/prune-l', () => ({ status: 500 }));
    const user = uuidv7();
    const target = await addTarget(db, user, 'webhook', `${base}/prune-l`, SECRET);
    const { f, clock } = clocked(db, { maxAttempts: 4 });
    const start = clock.t;
    const [old] = await queue(db, user, msg('old'), clock.t);
    for (let i = 0; i < 4; i++) {
      await f.runOnce();
      clock.t += 120_000;
    }
    assert.equal((await delivery(db, old!)).status, 'failed');
    const [pending] = await queue(db, user, msg('pending'), clock.t);
    await f.runOnce();
    assert.equal(await prune(db, clock.t, { attemptsPerTarget: 3, finishedMs: 3_600_000 }), 2, 'two of five attempts over the cap');
    assert.deepEqual((await deliveryLog(db, user, target, 10)).map((a) => [a.deliveryId, a.attempt]), [[pending, 1], [old, 4], [old, 3]]);
    assert.equal(await prune(db, start + 8 * 3_600_000, { attemptsPerTarget: 3, finishedMs: 3_600_000 }), 3, 'the old delivery and its two attempts left');
    assert.deepEqual((await db.query('SELECT id FROM deliveries')).map((r) => Number(r.id)), [pending]);
  });

  it('never logs a secret, a token, a topic or a target URL, nor puts one in the delivery log', async () => {
    assert.ok(logLines.length > 10, `the log has something to check (${logLines.length} lines)`);
    const errors = (await Promise.all(dbs.map((db) => db.query('SELECT DISTINCT error FROM delivery_attempts WHERE error IS NOT NULL')))).flat().map((r) => String(r.error));
    assert.ok(errors.length >= 4, `the delivery logs have errors to check: ${errors}`);
    for (const needle of [SECRET, TOKEN, TOPIC, '127.0.0.1', 'http://', 'hook', 'Bearer']) {
      assert.deepEqual(logLines.filter((l) => l.includes(needle)), [], `a log line contains ${needle}`);
      assert.deepEqual(errors.filter((e) => e.includes(needle)), [], `a delivery log error contains ${needle}`);
    }
  });
});
