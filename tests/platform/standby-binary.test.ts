/**
 * The standby from the compiled binary (`dist/hearth`, Litestream embedded): a primary
 * replicating to a folder, `hearth standby` following it, the primary's process groups
 * SIGKILLed, and `hearth promote`: the family signs in with the old password and a new
 * chat mention reaches the inbox on the promoted machine. (The full behaviour, on Node, is
 * tests/platform/standby.test.ts.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { signIn } from '../support/accounts.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';
import { applianceGroups, drillConfig, drillFamily, freeHttp, killGroup, mentionReachesInbox, replicaUrl, spawnGroup, whenReady } from '../support/drill.ts';
import { spawnHearth } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

describe('hearth standby and hearth promote from the compiled binary', { skip: binarySkip, timeout: 180_000 }, () => {
  const dir = useTempDir('standby-binary');

  it('promotes a standby that then serves the family', async (t) => {
    const rt = { binary: buildBinary() };
    const env = { XDG_CACHE_HOME: join(dir, 'cache') }; // where the binary extracts its Litestream
    const replica = join(dir, 'replica');
    const primaryHttp = await freeHttp();
    const primary = spawnGroup(['serve', '--config', drillConfig(dir, { name: 'primary', data: join(dir, 'primary'), http: primaryHttp, replica })], rt);
    const standbyHttp = await freeHttp();
    const standbyFile = drillConfig(dir, { name: 'standby', data: join(dir, 'standby'), http: standbyHttp, replica: join(dir, 'replica-2') });
    let groups = [primary.child.pid!];
    const standby = spawnHearth(rt, ['standby', '--from-replica', replicaUrl(replica), '--config', standbyFile], { env });
    try {
      await whenReady(primaryHttp, Date.now());
      groups = await applianceGroups(primaryHttp, primary.child.pid!);
      const who = await drillFamily(`http://${primaryHttp}`);
      // A refresh begun 2 s after the family was made holds it (Litestream ships within 1 s here).
      const made = Date.now();
      await waitFor('a refresh of the standby after the family was shipped', async () => Date.parse((await getJson(`http://${standbyHttp}/readyz`)).body.refreshedAt ?? 0) > made + 2000, 60_000);
      await killGroup(...groups);

      const promote = spawnHearth(rt, ['promote', '--config', standbyFile]);
      const t0 = Date.now();
      assert.equal(await promote.exited, 0, `${promote.output()}\n${standby.output().slice(-3000)}`);
      t.diagnostic(`hearth promote took ${Date.now() - t0} ms`);
      const url = `http://${standbyHttp}`;
      const ann = await signIn({ url }, 'Ann', who.ann.email, who.ann.password);
      await mentionReachesInbox(url, { ...who, ann }, 'from the promoted binary');
      assert.equal(await standby.stop('SIGTERM'), 0, standby.output().slice(-2000));
    } finally {
      await killGroup(...groups).catch(() => undefined);
      await standby.stop('SIGKILL');
    }
  });
});
