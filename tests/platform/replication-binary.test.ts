/**
 * Replication from the compiled binary: `dist/hearth` carries Litestream (scripts/build.ts
 * embeds the npm package's executable) and, with `replication.url` set, extracts it once
 * into the user's cache folder — private, executable, named by its content's hash — and
 * runs it: the test services' databases reach the replica.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Requester } from '../../src/kit/index.ts';
import { AddEntry } from '../kit-service/contracts.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';
import { ONLY_TEST_SERVICES, ownerClient, writeTestConfig } from '../support/config.ts';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

describe('replication from the compiled binary', { skip: binarySkip, timeout: 180_000 }, () => {
  it('extracts the embedded Litestream once, privately, and replicates with it', async () => {
    const dir = useTempDir('replication-binary');
    const cache = join(dir, 'cache');
    const replica = join(dir, 'replica');
    const cfg = writeTestConfig(`replication { url: "file://${replica}", sync_interval_ms: 200 }`, { builtIn: true });
    const env = { ...ONLY_TEST_SERVICES, XDG_CACHE_HOME: cache }; // ledger and tally are built into this binary
    const h = spawnHearth({ binary: buildBinary({ testServices: true }) }, ['serve', '--config', cfg.file], { cwd: cfg.dir, env });
    try {
      const { http, broker } = await bannerOf(h, 90_000);
      const nc = await ownerClient(broker);
      await new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 1024 }).request(AddEntry, { key: 'from-the-binary', amount: 1 });
      await nc.close();
      const r = await waitFor('the ledger shipped', async () => {
        const rep = (await getJson(`${http}/readyz`)).body.replication;
        return rep?.databases?.ledger?.status === 'ok' && rep.databases.ledger.shippedAt ? rep : undefined;
      }, 30_000);
      assert.ok(existsSync(join(replica, 'ledger', 'generations')));

      const [extracted, ...others] = readdirSync(join(cache, 'hearth'));
      assert.deepEqual(others, []);
      assert.match(extracted!, /^litestream-[a-z0-9]+$/);
      const file = join(cache, 'hearth', extracted!);
      assert.equal(statSync(file).mode & 0o777, 0o700);
      assert.equal(statSync(join(cache, 'hearth')).mode & 0o777, 0o700);
      assert.equal(readlinkSync(`/proc/${r.litestream.pid}/exe`), file, 'the running Litestream is the extracted one');
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });
});
