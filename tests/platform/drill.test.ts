/**
 * The disaster drill (#15, docs/operations.md "The disaster drill: RPO and RTO"): a family's
 * Hearth replicating with Litestream to a file target while Ann writes chat messages and Bo
 * sends location fixes through the API; the whole appliance SIGKILLed at once (the
 * supervisor's process group with its services, and Litestream's: a power cut); `hearth restore
 * --from-replica` into a new data directory; and Hearth started on it.
 *
 * Counted: every write acknowledged more than WINDOW_MS before the kill (the sync interval,
 * Litestream's one-second look at the WAL, and 1.5 s of margin) is in the restored
 * databases; sign-in with the old password works; a new chat mention reaches Bo's inbox (events flow
 * between services on the restored data); a new fix is accepted. RPO and RTO are reported
 * (diagnostics), not asserted: `npm run bench:drill` measures them over several runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signIn } from '../support/accounts.ts';
import { call } from '../support/http.ts';
import { drill, mentionReachesInbox, WINDOW_MS } from '../support/drill.ts';
import { useTempDir } from '../support/test-file.ts';

describe('the disaster drill: SIGKILL, restore from the replica, start', { timeout: 240_000 }, () => {
  const dir = useTempDir('drill');

  it(`loses no write acknowledged more than ${WINDOW_MS} ms before the kill, and the restored Hearth serves the family`, async (t) => {
    const { result, served, url, who } = await drill(dir, 6000);
    try {
      t.diagnostic(`acknowledged ${result.acked}, restored ${result.held}; RPO ${result.rpoMs} ms; RTO ${result.rtoMs} ms (restore ${result.restoreMs} ms + start ${result.startMs} ms)`);
      assert.ok(result.acked >= 20, `the family wrote (${result.acked} acknowledged writes)`);
      assert.deepEqual(result.lostOld, [], 'acknowledged writes older than the window, missing after the restore');

      const ann = await signIn({ url }, 'Ann', who.ann.email, who.ann.password);
      assert.equal(ann.userId, who.ann.userId, 'Ann signs in with her old password');
      await mentionReachesInbox(url, { ...who, ann }, 'after the restore');
      const fix = await call({ url }, 'POST', '/v1/locations', { token: who.bo.token, body: { lat: 52.5, lon: 13.4, timestamp: new Date().toISOString(), accuracy: 5 } });
      assert.equal(fix.status, 200, fix.text);
      assert.equal(fix.body.accepted, 1);
    } finally {
      assert.equal(await served.stop('SIGTERM'), 0, served.output().slice(-2000));
    }
  });
});
