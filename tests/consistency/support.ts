/**
 * What the consistency tests share: the consumers of the code base (which service's
 * database follows which source), a snapshot of a database's tables, checkpoints set from
 * outside, a wait until every consumer has read its sources to their heads, and a family's
 * activity that reaches every consumer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decode, encode, openDb } from '../../src/kit/index.ts';
import { joinGroup, makeGroup, signIn, signUp, type User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { call } from '../support/http.ts';
import type { InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';

/** Every `api.consume` in the code base: [the consuming service, its source]. */
export const CONSUMERS = [
  ['gateway', 'users'], // src/gateway/consumers/users.ts (membership, revoked sessions, deleted accounts)
  ['location', 'users'], // services/location/consumers/membership.ts (membership, erasure)
  ['chat', 'users'], // services/chat/consumers/users.ts (membership, member system messages, erasure)
  ['chat', 'location'], // services/chat/consumers/location.ts (SOS and arrival system messages)
  ['notifications', 'users'], // services/notifications/consumers/users.ts (membership, member rules, erasure)
  ['notifications', 'location'], // services/notifications/consumers/location.ts (SOS, journeys, places)
  ['notifications', 'chat'], // services/notifications/consumers/chat.ts (mentions, messages)
] as const;

/** The services whose databases hold consumers. */
export const CONSUMING = ['gateway', 'location', 'chat', 'notifications'] as const;

/** Every service database. */
export const SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'] as const;

/** The database file of `service` in an in-process Hearth started with `sameFiles`. */
export const dbFile = (dir: string, service: string) => join(dir, `${service}.db`);

/** A table's rows, each as sorted JSON text (blobs as hex), sorted: equal content, equal snapshot. */
export type Snapshot = Record<string, string[]>;

/**
 * Every table of a database file except the checkpoints (what a test moves), the migration
 * ledger and FTS5's internal tables (their layout depends on the order of writes, not on
 * content), with the log's head in place of `kit_floor` (an erasure raises the floor to the
 * head of the moment, whether or not it found anything: the head is what counts).
 */
export async function snapshot(file: string): Promise<Snapshot> {
  const db = await openDb({ path: file });
  try {
    const tables = await db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const virtual = tables.filter((t) => /CREATE VIRTUAL TABLE/i.test(String(t.sql))).map((t) => String(t.name));
    const out: Snapshot = {};
    for (const { name } of tables) {
      const n = String(name);
      if (['kit_checkpoints', 'kit_migrations', 'kit_floor', 'sqlite_sequence'].includes(n) || virtual.some((v) => n.startsWith(`${v}_`))) continue;
      const rows = await db.query(`SELECT ${virtual.includes(n) ? 'rowid, ' : ''}* FROM "${n}"`);
      out[n] = rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v instanceof ArrayBuffer ? Buffer.from(v).toString('hex') : v]))).sort();
    }
    const [h] = await db.query('SELECT max((SELECT coalesce(max(seq), 0) FROM kit_events), (SELECT seq FROM kit_floor WHERE id = 1)) AS head');
    out['(log head)'] = [String(h!.head)];
    return out;
  } finally {
    db.close();
  }
}

/** Snapshots of several services' databases. */
export async function snapshots(dir: string, services: readonly string[]): Promise<Record<string, Snapshot>> {
  const out: Record<string, Snapshot> = {};
  for (const s of services) out[s] = await snapshot(dbFile(dir, s));
  return out;
}

/** Asserts two snapshots hold the same rows, table by table (a failure names the table). */
export function assertSameTables(actual: Snapshot, expected: Snapshot, service: string): void {
  const changed: string[] = [];
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${service}: the same tables`);
  {
    for (const [table, rows] of Object.entries(expected)) {
      const now = actual[table]!;
      if (JSON.stringify(now) === JSON.stringify(rows)) continue;
      const gone = rows.filter((r) => !now.includes(r));
      const added = now.filter((r) => !rows.includes(r));
      const cut = (r: string) => (r.length > 300 ? `${r.slice(0, 300)}…` : r);
      changed.push(`${service}.${table}:\n  gone: ${gone.map(cut).join('\n        ')}\n  added: ${added.map(cut).join('\n         ')}`);
    }
  }
  assert.deepEqual(changed, [], `tables changed:\n${changed.join('\n')}`);
}

/** The stored checkpoints of a database file, by source. */
export async function checkpoints(file: string): Promise<Record<string, number>> {
  const db = await openDb({ path: file });
  try {
    return Object.fromEntries((await db.query('SELECT source, seq FROM kit_checkpoints')).map((r) => [String(r.source), Number(r.seq)]));
  } finally {
    db.close();
  }
}

/** Sets every stored checkpoint of a database file (Hearth stopped) to what `to` says for its source. */
export async function setCheckpoints(file: string, to: (source: string, seq: number) => number): Promise<void> {
  const db = await openDb({ path: file });
  try {
    await db.write(async (tx) => {
      for (const r of await tx.query('SELECT source, seq FROM kit_checkpoints')) {
        await tx.execute('UPDATE kit_checkpoints SET seq = ? WHERE source = ?', [to(String(r.source), Number(r.seq)), r.source]);
      }
    });
  } finally {
    db.close();
  }
}

/** The log head of a database file. */
export async function headOf(file: string): Promise<number> {
  const db = await openDb({ path: file });
  try {
    const [r] = await db.query('SELECT max((SELECT coalesce(max(seq), 0) FROM kit_events), (SELECT seq FROM kit_floor WHERE id = 1)) AS head');
    return Number(r!.head);
  } finally {
    db.close();
  }
}

interface Health {
  head: number;
  consumers: Record<string, number>;
}

async function health(h: InProcessHearth, service: string): Promise<Health> {
  const msg = await h.nc.request(`sys.health.${service}`, encode({}), { timeout: 2000 });
  return (decode(msg.data) as { ok: Health }).ok;
}

/**
 * Waits until every consumer's checkpoint equals its producer's head, twice in a row with the
 * heads unchanged (a reactor's answer may still be on its way to the next consumer).
 */
export async function settled(h: InProcessHearth, timeoutMs = 30_000): Promise<void> {
  let last = '';
  await waitFor('every consumer at its producer\u2019s head', async () => {
    const heads: Record<string, number> = {};
    const cps: string[] = [];
    for (const s of SERVICES) heads[s] = (await health(h, s)).head;
    for (const s of CONSUMING) {
      const hs = await health(h, s);
      for (const [source, cp] of Object.entries(hs.consumers)) {
        if (cp !== heads[source]) return (last = `${s} read ${source} to ${cp} of ${heads[source]}`), false;
        cps.push(`${s}<${source}:${cp}`);
      }
    }
    const now = JSON.stringify({ heads, cps });
    const stable = now === last;
    last = now;
    return stable;
  }, { timeoutMs, everyMs: 300, state: () => last });
}

/** A family's activity that reaches every consumer (see CONSUMERS); returns who did it. */
export async function everyConsumerActivity(h: InProcessHearth): Promise<{ users: User[]; group: string }> {
  const { users, group } = await family(h, ['Ann', 'Bo', 'Cy', 'Di']);
  const [ann, bo, cy, di] = users as [User, User, User, User];
  const ok = async (method: string, path: string, token: string, body?: unknown, status = [200, 201, 204]) => {
    const r = await call(h, method, path, { token, body });
    assert.ok(status.includes(r.status), `${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const fix = (u: User, lat: number) => ok('POST', '/v1/locations', u.token, { lat, lon: 13.4, timestamp: new Date().toISOString(), accuracy: 5 });
  await fix(bo, 52.5);
  await fix(cy, 52.51);
  // location → chat and notifications
  await ok('POST', `/v1/groups/${group}/sos`, bo.token, {});
  await ok('DELETE', `/v1/groups/${group}/sos`, bo.token);
  // chat → notifications
  const m = await ok('POST', `/v1/groups/${group}/messages`, ann.token, { text: '@Bo dinner at seven', txnId: 'a1' });
  await ok('PUT', `/v1/groups/${group}/read-marker`, bo.token, { messageId: m.id ?? m.message?.id });
  // users → everyone: rename, a member who leaves and comes back (and shares and reads after), a revoked session
  await ok('PATCH', `/v1/groups/${group}`, ann.token, { name: 'The Family' });
  await ok('POST', `/v1/groups/${group}/leave`, cy.token);
  await joinGroup(h, group, ann, cy);
  await waitFor('Cy back in the group for location', async () => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    return r.status === 200 && r.body.members.some((x: { userId: string }) => x.userId === cy.userId);
  });
  await fix(cy, 52.52);
  const back = await ok('POST', `/v1/groups/${group}/messages`, cy.token, { text: 'back again @Ann', txnId: 'c1' });
  await ok('PUT', `/v1/groups/${group}/read-marker`, cy.token, { messageId: back.id ?? back.message?.id });
  const again = await signIn(h, 'Ann', ann.email, ann.password);
  await ok('DELETE', `/v1/me/sessions/${again.sessionId}`, ann.token);
  // a group made and deleted, an account deleted
  const temp = await makeGroup(h, bo, 'Weekend');
  await joinGroup(h, temp, bo, di);
  await ok('POST', `/v1/groups/${temp}/messages`, di.token, { text: 'hello weekend', txnId: 'd1' });
  await ok('DELETE', `/v1/groups/${temp}`, bo.token, undefined, [202]);
  await waitFor('the weekend group\u2019s deletion to complete', async () => (await call(h, 'GET', `/v1/groups/${temp}/deletion`, { token: bo.token })).body?.status === 'completed' || undefined);
  await ok('POST', `/v1/groups/${group}/messages`, di.token, { text: 'bye @Cy', txnId: 'd2' });
  await ok('DELETE', '/v1/me', di.token, { password: di.password }, [202]);
  await waitFor('Di\u2019s account deletion to complete', async () => (await call(h, 'GET', '/v1/me/deletion', { token: di.token })).status === 401 || undefined, 15_000);
  const eve = await signUp(h, 'Eve');
  await joinGroup(h, group, ann, eve);
  return { users: [...users, eve], group };
}
