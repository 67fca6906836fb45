/**
 * "Export my data" under `hearth serve` (one spawned appliance for the file): a member with
 * 10,000 fixes and 1,000 messages exports while the location service is SIGKILLed in the
 * middle of its pages, then users, the orchestrator, is SIGKILLed while the saga waits for
 * location, then chat and notifications are each SIGKILLed while the saga waits on a page of
 * theirs (both frozen from the start, so the kill lands mid-step). The saga completes after
 * the supervisor restarts them; the archive parses and holds every fix and
 * message exactly once; and the process that assembled it (users) stayed within a measured
 * memory bound (its peak RSS, /proc/<pid>/status VmHWM, over its RSS when it came back).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { joinGroup, makeGroup, signUp } from '../support/accounts.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { call, getJson } from '../support/http.ts';
import { OPEN_API, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { readArchive } from './export-archive.ts';
import { multiProcessOnly } from '../support/one-process.ts';

const FIXES = 10_000;
const MESSAGES = 1_000;
/** The most the assembling process's peak RSS may grow over its RSS at start (bytes). */
const RSS_GROWTH_BOUND = 48 * 1024 * 1024; // measured: about 12 MiB (10,000 fixes, 1,000 messages, 50-record pages)

const kib = (line: string | undefined) => Number(/(\d+)\s*kB/.exec(line ?? '')?.[1] ?? NaN) * 1024;
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n');
  return { rss: kib(status.find((l) => l.startsWith('VmRSS:'))), peak: kib(status.find((l) => l.startsWith('VmHWM:'))) };
}

describe('export my data: 10,000 fixes and 1,000 messages, every participant and users killed mid-saga', { timeout: 180_000, skip: multiProcessOnly('it SIGKILLs service children mid-saga') }, () => {
  const cfg = writeTestConfig(OPEN_API, { builtIn: true });
  let hearth: HearthProcess | undefined;
  after(async () => {
    await hearth?.stop('SIGKILL');
    rmSync(cfg.dir, { recursive: true, force: true });
  });

  it('completes after the restarts with every record once, within the memory bound, and the archive parses', async (t) => {
    // Small pages: the location step takes 200 of them, so the kill lands in its middle.
    hearth = spawnHearth('node', ['serve', '--config', cfg.file], { env: { HEARTH_USERS__EXPORT_PAGE_ROWS: '50' } });
    const { http } = await bannerOf(hearth);
    const h = { url: http };
    const ann = await signUp(h, 'Ann');
    const bo = await signUp(h, 'Bo');
    const group = await makeGroup(h, ann);
    await joinGroup(h, group, ann, bo);
    const pidOf = async (svc: string) => (await getJson(`${http}/readyz`)).body.services?.[svc]?.pid as number | undefined;

    // 10,000 fixes in batches of 1,000 (the last 10,000 seconds, one a second).
    const base = Date.now() - FIXES * 1000;
    await waitFor('Ann known to location', async () => (await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).status === 200 || undefined, 10_000);
    let accepted = 0;
    for (let b = 0; b < FIXES / 1000; b++) {
      const fixes = Array.from({ length: 1000 }, (_, i) => ({ lat: 52 + (b * 1000 + i) / 1e5, lon: 13.4, timestamp: new Date(base + (b * 1000 + i) * 1000).toISOString(), accuracy: 5 }));
      const r = await call(h, 'POST', '/v1/locations', { body: { fixes }, token: ann.token });
      assert.equal(r.status, 200, r.text);
      accepted += r.body.accepted as number;
    }
    assert.equal(accepted, FIXES);
    // 1,000 messages, eight at a time.
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        const r = await call(h, 'POST', `/v1/groups/${group}/messages`, { body: { text: `message ${i} from Ann`, txnId: crypto.randomUUID() }, token: ann.token });
        assert.equal(r.status, 201, r.text);
      }
    }));

    const status = async () => (await call(h, 'GET', '/v1/me/export', { token: ann.token })).body;
    const started = await call(h, 'POST', '/v1/me/export', { token: ann.token });
    assert.equal(started.status, 202, started.text);
    const sagaId = started.body.sagaId as string;
    // chat and notifications frozen from now on, so that each is SIGKILLed in the middle of its own pages below.
    const chat = (await pidOf('chat'))!;
    const notifications = (await pidOf('notifications'))!;
    process.kill(chat, 'SIGSTOP');
    process.kill(notifications, 'SIGSTOP');

    // location killed while it answers pages.
    await waitFor('the location pages under way', async () => ((await status()).step === 'location' || undefined), { timeoutMs: 30_000, everyMs: 10 });
    const location = (await pidOf('location'))!;
    process.kill(location, 'SIGKILL');
    // users (the orchestrator) killed while the saga waits for location: certainly mid-saga.
    const mid = await status();
    assert.deepEqual([mid.state, mid.step], ['running', 'location'], JSON.stringify(mid));
    const users = (await pidOf('users'))!;
    process.kill(users, 'SIGKILL');
    await waitFor('location back', async () => { const p = await pidOf('location'); return p && p !== location ? p : undefined; }, 20_000);
    const usersAgain = await waitFor('users back', async () => { const p = await pidOf('users'); return p && p !== users ? p : undefined; }, 20_000);
    const atStart = memoryOf(usersAgain);
    // chat, then notifications, SIGKILLed while the saga waits on a page from each.
    for (const [svc, pid] of [['chat', chat], ['notifications', notifications]] as const) {
      await waitFor(`the ${svc} pages under way`, async () => ((await status()).step === svc || undefined), { timeoutMs: 60_000, everyMs: 50 });
      process.kill(pid, 'SIGKILL');
      await waitFor(`${svc} back`, async () => { const p = await pidOf(svc); return p && p !== pid ? p : undefined; }, 20_000);
    }

    const done = await waitFor('the export ready', async () => { const s = await call(h, 'GET', '/v1/me/export', { token: ann.token }); return s.status === 200 && s.body.state !== 'running' ? s.body : undefined; }, 90_000);
    assert.equal(done.state, 'ready', JSON.stringify(done));
    assert.equal(done.sagaId, sagaId, 'the same saga, resumed');
    const mem = memoryOf(usersAgain);
    t.diagnostic(`users RSS at restart ${(atStart.rss / 2 ** 20).toFixed(1)} MiB, peak ${(mem.peak / 2 ** 20).toFixed(1)} MiB; archive ${(done.size / 2 ** 20).toFixed(2)} MiB`);
    assert.ok(mem.peak - atStart.rss < RSS_GROWTH_BOUND, `users grew by ${((mem.peak - atStart.rss) / 2 ** 20).toFixed(1)} MiB`);

    const res = await fetch(`${http}/v1/me/export/download`, { headers: { authorization: `Bearer ${ann.token}` } });
    assert.equal(res.status, 200);
    const a = readArchive(new Uint8Array(await res.arrayBuffer()));
    const fixes = a.json.get('location/fixes.json') as { at: string }[];
    assert.equal(fixes.length, FIXES);
    assert.equal(new Set(fixes.map((f) => f.at)).size, FIXES, 'no fix twice');
    const messages = a.json.get('chat/messages.json') as { id: string; text: string }[];
    assert.equal(messages.length, MESSAGES);
    assert.equal(new Set(messages.map((m) => m.id)).size, MESSAGES, 'no message twice');
    assert.deepEqual([...a.gpxPoints.values()], [FIXES]);
    assert.equal(await hearth.stop('SIGTERM'), 0);
  });
});
