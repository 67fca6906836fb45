/**
 * Membership once: every consumer of the users service's events (the gateway's read model,
 * location, chat, notifications) keeps the same `members` table, each in its own real
 * libSQL file with its own migrations, and answers a non-member with the one
 * `membership.not_a_member`. Fed the same events, the four tables must agree row for row.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { membership, users } from '../../src/contracts/index.ts';
import { AppError, consumerSpec, createLogger, EventLog, KIT_MIGRATIONS, migrate, openDb, uuidv7, type ConsumerSpec, type Db, type Envelope, type Migration } from '../../src/kit/index.ts';
import gatewayService, { ReadModel, usersConsumer } from '../../src/gateway/index.ts';
import { migrations as LOCATION_MIGRATIONS, membershipConsumer as locationConsumer } from '../../services/location/index.ts';
import { migrations as CHAT_MIGRATIONS, usersConsumer as chatConsumer } from '../../services/chat/index.ts';
import { migrations as NOTIFICATIONS_MIGRATIONS, readSettings, requireMemberOf, usersConsumer as notificationsConsumer } from '../../services/notifications/index.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

const log = createLogger({ service: 'test', level: 'error', format: 'json', write: () => undefined });

interface Copy {
  name: string;
  db: Db;
  consumer: ConsumerSpec;
}

describe('membership once: every consumer of users events', { timeout: FILE_TIMEOUT }, () => {
  const dir = useTempDir('membership');
  const dbs: Db[] = [];
  after(() => {
    for (const db of dbs) db.close();
  });

  let n = 0;
  async function database(service: string, migrations: readonly Migration[]): Promise<Db> {
    const db = await openDb({ path: join(dir, `${service}-${++n}.db`) });
    dbs.push(db);
    await migrate(db, 'kit', KIT_MIGRATIONS);
    await migrate(db, service, migrations);
    return db;
  }

  async function copies(): Promise<Copy[]> {
    const gateway = await database('gateway', gatewayService.migrations);
    const location = await database('location', LOCATION_MIGRATIONS);
    const chat = await database('chat', CHAT_MIGRATIONS);
    const notifications = await database('notifications', NOTIFICATIONS_MIGRATIONS);
    const deps = { db: notifications, events: new EventLog(notifications, 'notifications'), now: () => Date.now(), settings: readSettings({}), kick: () => undefined };
    return [
      { name: 'gateway', db: gateway, consumer: consumerSpec(usersConsumer(new ReadModel(gateway, log)), new EventLog(gateway, 'gateway'), log) },
      { name: 'location', db: location, consumer: consumerSpec(locationConsumer(new EventLog(location, 'location')), new EventLog(location, 'location'), log) },
      { name: 'chat', db: chat, consumer: consumerSpec(chatConsumer(new EventLog(chat, 'chat')), new EventLog(chat, 'chat'), log) },
      { name: 'notifications', db: notifications, consumer: consumerSpec(notificationsConsumer(deps), deps.events, log) },
    ];
  }

  let seq = 0;
  const event = <D>(type: { type: string }, data: D): Envelope => ({
    id: uuidv7(),
    type: type.type,
    version: 1,
    seq: ++seq,
    at: new Date().toISOString(),
    source: 'users',
    stream: '',
    correlationId: uuidv7(),
    causationId: '',
    data,
  });

  async function feed(all: Copy[], ...events: Envelope[]): Promise<void> {
    for (const c of all) for (const e of events) await c.db.write((tx) => c.consumer.apply(e, tx));
  }

  const members = async (db: Db) =>
    (await db.query('SELECT group_id, user_id, role, display_name FROM members ORDER BY group_id, user_id')).map((r) => ({ ...r }));

  it('keeps a members table with the same columns in every database', async () => {
    for (const c of await copies()) {
      const columns = (await c.db.query('PRAGMA table_info(members)')).map((r) => String(r.name));
      assert.deepEqual(columns, [...membership.MEMBERS_COLUMNS], c.name);
    }
  });

  it('records the owner from group.created on, everywhere (notifications did not)', async () => {
    const all = await copies();
    const [group, owner] = [uuidv7(), uuidv7()];
    await feed(all, event(users.GroupCreated, { groupId: group, name: 'Family', ownerId: owner, ownerName: 'Ann' }));
    for (const c of all) {
      assert.deepEqual(await members(c.db), [{ group_id: group, user_id: owner, role: 'owner', display_name: 'Ann' }], c.name);
    }
    const notifications = all.find((c) => c.name === 'notifications')!;
    await requireMemberOf(notifications.db, owner, [group]); // refused before: notifications.not_a_member
  });

  it('agrees row for row after joins, renames, role changes, departures and deletions', async () => {
    const all = await copies();
    const [g1, g2] = [uuidv7(), uuidv7()];
    const [ann, bo, cy, di] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    await feed(
      all,
      event(users.GroupCreated, { groupId: g1, name: 'Family', ownerId: ann, ownerName: 'Ann' }),
      event(users.MemberJoined, { groupId: g1, userId: ann, displayName: 'Ann', role: 'owner' }),
      event(users.MemberJoined, { groupId: g1, userId: bo, displayName: 'Bo', role: 'member', invitedBy: ann }),
      event(users.MemberJoined, { groupId: g1, userId: cy, displayName: 'Cy', role: 'member', invitedBy: ann }),
      event(users.MemberJoined, { groupId: g1, userId: di, displayName: 'Di', role: 'member', invitedBy: ann }),
      event(users.MemberRoleChanged, { groupId: g1, userId: bo, role: 'admin' }),
      event(users.UserProfileUpdated, { userId: bo, displayName: 'Bob' }),
      event(users.MemberLeft, { groupId: g1, userId: cy }),
      event(users.MemberRemoved, { groupId: g1, userId: di, by: bo }),
      event(users.GroupCreated, { groupId: g2, name: 'Friends', ownerId: bo, ownerName: 'Bob' }),
      event(users.MemberJoined, { groupId: g2, userId: cy, displayName: 'Cy', role: 'member', invitedBy: bo }),
      event(users.GroupRenamed, { groupId: g2, name: 'Pals' }),
      event(users.UserDeleted, { userId: cy }),
    );
    const expected = [
      { group_id: g1, user_id: ann, role: 'owner', display_name: 'Ann' },
      { group_id: g1, user_id: bo, role: 'admin', display_name: 'Bob' },
      { group_id: g2, user_id: bo, role: 'owner', display_name: 'Bob' },
    ].sort((a, b) => (a.group_id + a.user_id).localeCompare(b.group_id + b.user_id));
    for (const c of all) assert.deepEqual(await members(c.db), expected, c.name);
    await feed(all, event(users.GroupDeleted, { groupId: g1 }));
    for (const c of all) assert.deepEqual(await members(c.db), expected.filter((m) => m.group_id === g2), c.name);
  });

  it('refuses a non-member with the one code, whichever copy is asked', async () => {
    const all = await copies();
    const [group, owner, stranger] = [uuidv7(), uuidv7(), uuidv7()];
    await feed(all, event(users.GroupCreated, { groupId: group, name: 'Family', ownerId: owner, ownerName: 'Ann' }));
    for (const c of all) {
      assert.equal((await membership.requireMember(c.db, group, owner)).role, 'owner', c.name);
      await assert.rejects(membership.requireMember(c.db, group, stranger), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.deepEqual([err.code, err.kind], ['membership.not_a_member', 'not_found']);
        return true;
      });
    }
  });
});
