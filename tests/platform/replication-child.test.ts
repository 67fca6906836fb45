/**
 * The Litestream child of `hearth serve`, with the kit's test services (ledger, tally):
 * looked for only when replication is configured, and without it Hearth refuses to start
 * (exit 2, one line); its configuration file is private and holds no secret; SIGKILLed, it
 * is restarted and /readyz and /metrics say so; when the supervisor is killed outright it
 * ends too; and a replica it cannot write shows as failing while the services keep serving.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Requester } from '../../src/kit/index.ts';
import { AddEntry } from '../kit-service/contracts.ts';
import { ONLY_TEST_SERVICES, ownerClient, writeTestConfig } from '../support/config.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

const dir = useTempDir('replication-child');
const SECRET = 's3-secret-4b1d9e';
const running: HearthProcess[] = [];
after(async () => {
  for (const h of running) await h.stop('SIGKILL');
});

/** `hearth serve` with ledger, tally and the gateway (for /metrics), or with no service at all (`bare`: the broker and the supervisor). */
function serve(extra: string, o: { bare?: boolean } = {}): { hearth: HearthProcess; data: string } {
  const cfg = writeTestConfig(extra, { builtIn: o.bare });
  const hearth = spawnHearth('node', ['serve', '--config', cfg.file], { env: o.bare ? ONLY_TEST_SERVICES : { ...ONLY_TEST_SERVICES, HEARTH_SERVICES__GATEWAY__ENABLED: 'true' } });
  running.push(hearth);
  return { hearth, data: cfg.data };
}

/** Adds ledger entries through the broker (each one a committed write to ledger.db). */
async function addEntries(broker: string, prefix: string, count: number): Promise<void> {
  const nc = await ownerClient(broker);
  const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 65536, breaker: { threshold: 1e9, cooldownMs: 0 } });
  for (let i = 0; i < count; i++) await req.request(AddEntry, { key: `${prefix}${i}`, amount: i });
  await nc.close();
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

describe('the Litestream child', { timeout: 240_000 }, () => {
  it('is never looked for when replication is not configured', async () => {
    const { hearth } = serve('replication { litestream: "/nowhere/litestream" }', { bare: true });
    const { http } = await bannerOf(hearth, 90_000);
    const { body } = await getJson(`${http}/readyz`);
    assert.equal(body.replication, undefined);
    assert.equal(await hearth.stop('SIGTERM'), 0);
  });

  it('stops hearth serve with one clear line when replication is configured and Litestream is missing', async () => {
    const { hearth, data } = serve(`replication { url: "file://${join(dir, 'replica-missing')}", litestream: "/nowhere/litestream" }`, { bare: true });
    assert.equal(await hearth.exited, 2);
    const lines = hearth.output().trim().split('\n');
    assert.deepEqual(lines, ['hearth: replication.litestream is "/nowhere/litestream", which is missing; set it to the path of the litestream executable, or to "" to use the one bundled with Hearth']);
    assert.equal(existsSync(join(data, 'hearth.lock')), false, 'stopped before taking the data directory');
  });

  const replica = join(dir, 'replica');
  const main = serve(`replication { url: "file://${replica}", sync_interval_ms: 200, s3 { access_key_id: "AKIDTEST", secret_access_key: "${SECRET}" } }`);
  let urls: { http: string; broker: string };

  it('ships every database while the services run, from a private configuration file without secrets', async () => {
    urls = await bannerOf(main.hearth, 90_000);
    await addEntries(urls.broker, 'a', 20);
    const r = await waitFor('every replica caught up', async () => {
      const { body } = await getJson(`${urls.http}/readyz`);
      const dbs = body.replication?.databases ?? {};
      return body.status === 'ready' && dbs.ledger?.shippedAt && Object.values(dbs).every((d: any) => d.status === 'ok' && d.lagSeconds === 0) ? body.replication : undefined;
    }, 30_000);
    assert.deepEqual(Object.keys(r.databases).sort(), ['gateway', 'ledger', 'tally']);
    assert.equal(r.databases.ledger.replica, join(replica, 'ledger'));
    assert.equal(r.status, 'ok');
    assert.ok(existsSync(join(replica, 'ledger', 'generations')));

    const file = join(main.data, 'litestream.yml');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(`path: ${JSON.stringify(join(main.data, 'ledger.db'))}`));
    assert.ok(!text.includes(SECRET) && !text.includes('AKIDTEST'), 'no credential in the file');
    // The credentials reach Litestream through its environment, with nothing of Hearth's own.
    const env = readFileSync(`/proc/${r.litestream.pid}/environ`, 'utf8').split('\0');
    assert.ok(env.includes(`LITESTREAM_SECRET_ACCESS_KEY=${SECRET}`));
    assert.deepEqual(env.filter((e) => e.startsWith('HEARTH_')), []);
  });

  it('restarts Litestream after a SIGKILL, and /readyz and /metrics show the restart', async () => {
    const before = (await getJson(`${urls.http}/readyz`)).body.replication.litestream.pid as number;
    process.kill(before, 'SIGKILL');
    const restarted = await waitFor('Litestream restarted', async () => {
      const l = (await getJson(`${urls.http}/readyz`)).body.replication.litestream;
      return l.running && l.pid !== before && l.restarts === 1 ? l.pid : undefined;
    }, 20_000);
    assert.notEqual(restarted, before);
    const t = Date.now();
    await addEntries(urls.broker, 'b', 10);
    await waitFor('the new writes shipped by the new Litestream', async () => {
      const d = (await getJson(`${urls.http}/readyz`)).body.replication.databases.ledger;
      return d.status === 'ok' && d.lagSeconds === 0 && Date.parse(d.shippedAt) >= t ? d : undefined;
    }, 20_000);
    const metrics = await (await fetch(`${urls.http}/metrics`)).text();
    assert.match(metrics, /^hearth_replication_litestream_restarts_total 1$/m);
    assert.match(metrics, /^hearth_replication_litestream_up 1$/m);
    assert.match(metrics, /^hearth_replication_lag_seconds\{service="ledger"\} 0$/m);
    assert.match(metrics, /^hearth_replication_status\{service="tally"\} 0$/m);
  });

  it('ends Litestream when the supervisor is killed outright, and never logs a credential', async () => {
    const pid = (await getJson(`${urls.http}/readyz`)).body.replication.litestream.pid as number;
    assert.ok(alive(pid));
    await main.hearth.stop('SIGKILL');
    await waitFor('Litestream gone with its supervisor', () => !alive(pid), 10_000);
    assert.ok(!main.hearth.output().includes(SECRET));
  });

  it('shows a replica it cannot write as failing, and Hearth stays ready and serving', async () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, 'not a folder'); // the replica folder cannot be made below a file, even by root
    const { hearth } = serve(`replication { url: "file://${blocked}/replica", sync_interval_ms: 200 }`);
    const { http, broker } = await bannerOf(hearth, 90_000);
    await addEntries(broker, 'c', 5);
    const body = await waitFor('the ledger replica failing', async () => {
      const r = await getJson(`${http}/readyz`);
      return r.body.replication?.databases?.ledger?.status === 'failing' ? r : undefined;
    }, 30_000);
    assert.equal(body.status, 200, 'a failing replica leaves Hearth ready');
    assert.equal(body.body.replication.status, 'degraded');
    assert.match(body.body.replication.databases.ledger.error, /not a directory/);
    assert.ok(body.body.replication.databases.ledger.errors >= 1);
    await addEntries(broker, 'd', 5); // the family's service goes on
    const metrics = await (await fetch(`${http}/metrics`)).text();
    assert.match(metrics, /^hearth_replication_status\{service="ledger"\} 3$/m);
    assert.equal(await hearth.stop('SIGTERM'), 0);
  });

  it('shows an S3 endpoint that refuses as failing, and Hearth stays ready', async () => {
    // Port 9 (discard): nothing listens, so every connection is refused.
    const { hearth } = serve('replication { url: "s3://family/hearth", sync_interval_ms: 200, s3 { endpoint: "http://127.0.0.1:9", access_key_id: "AKIDTEST", secret_access_key: "x" } }');
    const { http, broker } = await bannerOf(hearth, 90_000);
    await addEntries(broker, 'e', 3);
    const r = await waitFor('the ledger replica failing', async () => {
      const a = await getJson(`${http}/readyz`);
      return a.body.replication?.databases?.ledger?.status === 'failing' ? a : undefined;
    }, 60_000);
    assert.equal(r.status, 200);
    assert.equal(r.body.replication.databases.ledger.replica, 's3://family/hearth/ledger');
    assert.match(r.body.replication.databases.ledger.error, /connection refused/);
    assert.equal(await hearth.stop('SIGTERM'), 0);
  });
});
