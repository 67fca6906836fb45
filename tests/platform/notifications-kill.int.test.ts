/**
 * The notifications service SIGKILLed under `hearth serve` while location events stream
 * in (a member raising and clearing an SOS over and over): the supervisor restarts it, it
 * catches up from the location service's log, and afterwards the other member's inbox
 * holds exactly one notification per event — none lost, none doubled.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { call, getJson } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { OPEN_API, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { multiProcessOnly } from '../support/one-process.ts';

describe('the notifications service killed while location events stream in', { timeout: 90_000, skip: multiProcessOnly("it SIGKILLs the notifications service's child") }, () => {
  const cfg = writeTestConfig(OPEN_API, { builtIn: true });
  let hearth: HearthProcess | undefined;
  after(async () => {
    await hearth?.stop('SIGKILL');
    rmSync(cfg.dir, { recursive: true, force: true });
  });

  /** Every notification in `u`'s inbox, paging back from the newest. */
  async function everything(h: { url: string }, u: User): Promise<any[]> {
    const all: any[] = [];
    let q = '?limit=100';
    for (;;) {
      const page = await call(h, 'GET', `/v1/notifications${q}`, { token: u.token });
      assert.equal(page.status, 200, page.text);
      all.push(...page.body.items);
      if (!page.body.hasMore) return all;
      q = `?limit=100&before=${page.body.items.at(-1).id}`;
    }
  }

  it('has every expected notification exactly once after the supervisor restarts it', async (t) => {
    hearth = spawnHearth('node', ['serve', '--config', cfg.file]);
    const h = { url: (await bannerOf(hearth)).http };
    const ann = await signUp(h, 'Ann');
    const bo = await signUp(h, 'Bo');
    const group = await makeGroup(h, ann);
    await joinGroup(h, group, ann, bo);
    await waitFor('notifications to know Bo', async () => (await everything(h, ann)).some((x) => x.type === 'invite_accepted'), 15_000);

    const made = { sos_raised: 0, sos_cleared: 0 };
    const statuses = new Map<number, number>();
    let stop = false;
    const toggler = (async () => {
      let raise = true;
      while (!stop) {
        const r = raise
          ? await call(h, 'POST', `/v1/groups/${group}/sos`, { token: ann.token, body: {} })
          : await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: ann.token });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status < 300) {
          made[raise ? 'sos_raised' : 'sos_cleared']++;
          raise = !raise;
        } else await new Promise((res) => setTimeout(res, 20));
      }
    })();

    const before = (await getJson(`${h.url}/readyz`)).body.services.notifications.pid as number;
    assert.ok(before > 0);
    await waitFor('40 notifications before the kill', async () => (await everything(h, bo)).length >= 40, 20_000);
    process.kill(before, 'SIGKILL');
    const atKill = made.sos_raised + made.sos_cleared;
    await waitFor('the notifications service to come back', async () => {
      const { body } = await getJson(`${h.url}/readyz`);
      const pid = body.services?.notifications?.pid;
      return body.status === 'ready' && pid && pid !== before ? pid : undefined;
    }, 20_000);
    await waitFor('more SOS events after the restart', async () => made.sos_raised + made.sos_cleared >= atKill + 60, 20_000);
    stop = true;
    await toggler;
    assert.deepEqual([...statuses.keys()].filter((s) => s >= 300), [], `every SOS call answered 2xx (the location service was not killed): ${JSON.stringify([...statuses])}`);

    const expected = made.sos_raised + made.sos_cleared;
    const inboxOf = await waitFor(`${expected} SOS notifications for Bo`, async () => {
      const all = await everything(h, bo);
      return all.filter((x) => x.type.startsWith('sos_')).length >= expected ? all : undefined;
    }, 30_000);
    const count = (type: string) => inboxOf.filter((x) => x.type === type).length;
    // Let a stray duplicate, if any were coming, arrive before counting for good.
    await new Promise((res) => setTimeout(res, 1500));
    const final = await everything(h, bo);
    assert.equal(final.length, inboxOf.length, 'nothing arrived late');
    assert.equal(count('sos_raised'), made.sos_raised, 'one sos_raised per raise');
    assert.equal(count('sos_cleared'), made.sos_cleared, 'one sos_cleared per clear');
    assert.equal(new Set(final.map((x) => x.id)).size, final.length);
    assert.deepEqual((await everything(h, ann)).filter((x) => x.type.startsWith('sos_')), [], 'the one who raised it is never told');
    t.diagnostic(`SOS events ${expected} (${atKill} before the kill); Bo's SOS notifications ${count('sos_raised') + count('sos_cleared')}`);
    assert.equal(await hearth.stop('SIGTERM'), 0);
  });
});
