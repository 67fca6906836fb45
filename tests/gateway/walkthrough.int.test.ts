/**
 * The family flow of docs/api.md, through the real gateway and users service: a fresh
 * Hearth says it needs its first account; the first user sets it up (invite-only), creates
 * a group and an invite; the second sees what the invite leads to, registers with it and
 * lands in the group; both see the members; both sign out and their tokens stop working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('gateway: the family walk-through', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-walk');
  let h: InProcessHearth;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.users.registration = 'invite-only'));
  });
  after(() => h?.stop());

  it('registers the first user, makes a group, invites the second, and both see each other', async () => {
    const instance = await call(h, 'GET', '/v1/instance');
    assert.deepEqual([instance.status, instance.body.registration, instance.body.setupNeeded], [200, 'invite-only', true]);

    const ann = { email: 'ann@example.com', password: 'ann has a long password' };
    const reg = await call(h, 'POST', '/v1/auth/register', { body: { ...ann, displayName: 'Ann' } });
    assert.equal(reg.status, 201, reg.text);
    assert.equal(reg.body.admin, true);

    const login = await call(h, 'POST', '/v1/auth/login', { body: ann });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.tokenType, 'Bearer');
    assert.equal(typeof login.body.expiresIn, 'number');
    const annToken: string = login.body.accessToken;

    const me = await call(h, 'GET', '/v1/me', { token: annToken });
    assert.deepEqual([me.status, me.body.displayName, me.body.email], [200, 'Ann', 'ann@example.com']);

    const group = await call(h, 'POST', '/v1/groups', { token: annToken, body: { name: 'Family' } });
    assert.equal(group.status, 201, group.text);
    assert.equal(group.body.role, 'owner');

    const invite = await call(h, 'POST', `/v1/groups/${group.body.id}/invites`, { token: annToken, body: { maxUses: 2 } });
    assert.equal(invite.status, 201, invite.text);
    assert.equal(invite.body.url, `https://hearth.test/join/${invite.body.code}`);
    assert.equal(typeof invite.body.expiresAt, 'string');

    const preview = await call(h, 'GET', `/v1/invites/${invite.body.code}`);
    assert.equal(preview.status, 200, preview.text);
    assert.deepEqual([preview.body.groupName, preview.body.inviterName], ['Family', 'Ann']);
    assert.equal((await call(h, 'GET', '/v1/instance')).body.setupNeeded, false);

    const refused = await call(h, 'POST', '/v1/auth/register', { body: { email: 'bo@example.com', password: 'bo has a long password', displayName: 'Bo' } });
    assertProblem(refused, 403, 'users.invite_required');

    const bo = { email: 'bo@example.com', password: 'bo has a long password' };
    const boReg = await call(h, 'POST', '/v1/auth/register', { body: { ...bo, displayName: 'Bo', invite: invite.body.code } });
    assert.equal(boReg.status, 201, boReg.text);
    assert.equal(boReg.body.groupId, group.body.id);
    const boToken: string = (await call(h, 'POST', '/v1/auth/login', { body: bo })).body.accessToken;

    for (const token of [annToken, boToken]) {
      const members = await call(h, 'GET', `/v1/groups/${group.body.id}/members`, { token });
      assert.equal(members.status, 200, members.text);
      assert.deepEqual(members.body.members.map((m: { displayName: string; role: string }) => [m.displayName, m.role]).sort(), [['Ann', 'owner'], ['Bo', 'member']]);
    }

    for (const token of [annToken, boToken]) {
      const out = await call(h, 'POST', '/v1/auth/logout', { token });
      assert.equal(out.status, 200, out.text);
      assertProblem(await call(h, 'GET', '/v1/me', { token }), 401);
    }
  });
});
