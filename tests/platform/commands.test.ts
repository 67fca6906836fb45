/**
 * The supervisor's other duties and commands, with real processes: bad configuration stops
 * it before any data is touched; one Hearth per data directory; children do not outlive a
 * killed supervisor; a second signal forces the exit; `hearth config` redacts secrets;
 * `hearth rebuild` refills a projection from the event log.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClient } from '@libsql/client';
import { Requester } from '../../src/kit/index.ts';
import { AddEntry } from '../kit-service/contracts.ts';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { OWNER, ownerClient, writeTestConfig } from '../support/config.ts';
import { sql } from '../support/database.ts';
import { waitFor } from '../support/poll.ts';
import { multiProcessOnly } from '../support/one-process.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('hearth serve', { timeout: 90_000 }, () => {
  for (const [what, extra, args, expect] of [
    ['a bad value', 'supervisor { restart_initial_ms: "soon" }', [], /supervisor\.restart_initial_ms/],
    ['an unknown key', 'brokr { port: 1 }', [], /brokr/],
    ['a bad --http flag', '', ['--http', 'nowhere'], /http/],
    ['an unknown flag', '', ['--colour'], /--colour/],
  ] as const) {
    it(`refuses ${what} with a clear error, exit code 2, and no data directory`, async () => {
      const cfg = writeTestConfig(extra);
      const h = spawnHearth('node', ['serve', '--config', cfg.file, ...args]);
      assert.equal(await h.exited, 2);
      assert.match(h.output(), expect);
      assert.equal(existsSync(cfg.data), false);
    });
  }

  it('refuses a second Hearth on the same data directory', async () => {
    const cfg = writeTestConfig();
    const first = spawnHearth('node', ['serve', '--config', cfg.file]);
    try {
      await bannerOf(first);
      const second = spawnHearth('node', ['serve', '--config', cfg.file]);
      assert.equal(await second.exited, 2);
      assert.match(second.output(), /already running/);
    } finally {
      assert.equal(await first.stop('SIGTERM'), 0);
    }
  });

  it('does not leave services running when the supervisor is killed outright', { skip: multiProcessOnly('it looks for the service children after the supervisor') }, async () => {
    const cfg = writeTestConfig();
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    const { http } = await bannerOf(h);
    const { body } = await getJson(`${http}/readyz`);
    const pids = [body.services.ledger.pid, body.services.tally.pid] as number[];
    await h.stop('SIGKILL');
    await waitFor('the orphaned services to stop', async () => pids.every((p) => !alive(p)), 10_000);
  });

  it('forces the exit on a second signal', { skip: multiProcessOnly('it looks for the service children after the second signal') }, async () => {
    const cfg = writeTestConfig('supervisor { shutdown_timeout_ms: 60000 }');
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    const { http } = await bannerOf(h);
    const { body } = await getJson(`${http}/readyz`);
    const pids = [body.services.ledger.pid, body.services.tally.pid] as number[];
    for (const p of pids) process.kill(p, 'SIGSTOP'); // frozen services cannot stop by themselves
    h.child.kill('SIGTERM');
    await h.waitForOutput(/"msg":"stopping"/);
    h.child.kill('SIGINT');
    assert.equal(await h.exited, 1);
    assert.match(h.output(), /second signal/);
    await waitFor('the services to be killed', async () => pids.every((p) => !alive(p)), 10_000);
  });
});

describe('hearth config', () => {
  it('prints the effective configuration with secrets redacted', async () => {
    const cfg = writeTestConfig();
    const h = spawnHearth('node', ['config', '--config', cfg.file, '--log-level', 'debug']);
    assert.equal(await h.exited, 0);
    const printed = JSON.parse(h.output());
    assert.equal(printed.log.level, 'debug');
    assert.equal(printed.broker.user, OWNER.user);
    assert.equal(printed.broker.password, '[redacted]');
    assert.equal(h.output().includes(OWNER.password), false);
  });
});

describe('hearth rebuild', { timeout: 90_000 }, () => {
  it('refills a projection from the event log, with progress, and refuses while Hearth runs', async () => {
    const cfg = writeTestConfig();
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    const { broker } = await bannerOf(h);
    const nc = await ownerClient(broker);
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 65536 });
    for (let i = 1; i <= 30; i++) await req.request(AddEntry, { key: `k${i % 3}`, amount: i });
    await nc.close();

    const busy = spawnHearth('node', ['rebuild', 'ledger', '--config', cfg.file]);
    assert.equal(await busy.exited, 2);
    assert.match(busy.output(), /stop it before rebuilding/);
    assert.equal(await h.stop('SIGTERM'), 0);

    const db = join(cfg.data, 'ledger.db');
    const before = await sql(db, 'SELECT key, total, entries FROM totals ORDER BY key');
    const c = createClient({ url: `file:${db}` });
    await c.execute('UPDATE totals SET total = -1');
    await c.execute("INSERT INTO totals VALUES ('bogus', 1, 1)");
    c.close();

    const r = spawnHearth('node', ['rebuild', 'ledger', '--config', cfg.file]);
    assert.equal(await r.exited, 0, r.output());
    assert.match(r.output(), /ledger: 30\/30 events replayed \(100%\)/);
    assert.deepEqual(await sql(db, 'SELECT key, total, entries FROM totals ORDER BY key'), before);
  });

  it('empties a consumer and removes its checkpoint, so it reads the producer again at the next start', async () => {
    const cfg = writeTestConfig();
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    const { broker } = await bannerOf(h);
    const nc = await ownerClient(broker);
    const req = new Requester(nc, { timeoutMs: 5000, maxRequestBytes: 65536 });
    for (let i = 1; i <= 5; i++) await req.request(AddEntry, { key: 'k', amount: i });
    await waitFor('tally to apply 5 entries', async () => Number((await sql(join(cfg.data, 'tally.db'), 'SELECT count(*) AS n FROM applied'))[0]!.n) === 5, 15_000);
    await nc.close();
    assert.equal(await h.stop('SIGTERM'), 0);

    const r = spawnHearth('node', ['rebuild', 'tally', '--config', cfg.file]);
    assert.equal(await r.exited, 0, r.output());
    assert.match(r.output(), /events from ledger will be read again/);
    assert.deepEqual(await sql(join(cfg.data, 'tally.db'), 'SELECT count(*) AS n FROM applied'), [{ n: 0 }]);

    const again = spawnHearth('node', ['serve', '--config', cfg.file]);
    await bannerOf(again);
    await waitFor('tally to apply 5 entries', async () => Number((await sql(join(cfg.data, 'tally.db'), 'SELECT count(*) AS n FROM applied'))[0]!.n) === 5, 15_000);
    assert.equal(await again.stop('SIGTERM'), 0);
  });
});

