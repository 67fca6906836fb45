/**
 * The same services against a real nats-server (Debian's), as when a group outgrows one
 * box: `hearth serve --broker nats://…` starts no broker of its own, and
 * `hearth service <name>` runs one service alone; commands, events and catch-up work the
 * same, and each process stops cleanly — with Hearth's user limited to the permissions the
 * documentation asks the server's owner to give it.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Requester } from '../../src/kit/index.ts';
import { AddEntry, GetTally, GetTotal } from '../kit-service/contracts.ts';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { ownerClient, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';
import { hearthAuthorization, natsServer, startNatsServer } from '../support/nats-server.ts';

/** Hearth's user on the server; the test's own client is a separate user without limits. */
const HEARTH = { user: 'hearth', password: 'hearth-on-nats-4c1d' };
/** Hearth's processes connect as its restricted user. */
const asHearth = { HEARTH_BROKER__USER: HEARTH.user, HEARTH_BROKER__PASSWORD: HEARTH.password };

describe('against an external nats-server', { skip: natsServer ? undefined : 'nats-server is not installed', timeout: 90_000 }, () => {
  const cfg = writeTestConfig();
  let server: ChildProcess;
  let url: string;

  before(async () => {
    ({ url, process: server } = await startNatsServer(join(cfg.dir, 'nats'), `listen: 127.0.0.1:-1\n${hearthAuthorization(HEARTH)}\n`));
  });
  after(() => {
    server.kill('SIGKILL');
  });

  it('runs hearth serve with every service on it', async () => {
    const h = spawnHearth('node', ['serve', '--config', cfg.file, '--broker', url], { env: asHearth });
    try {
      const { http, broker } = await bannerOf(h);
      assert.equal(broker, url);
      assert.equal((await getJson(`${http}/readyz`)).status, 200);
      const nc = await ownerClient(url);
      const req = new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 65536 });
      await req.request(AddEntry, { key: 'x', amount: 2 });
      assert.equal((await req.request(GetTotal, { key: 'x' })).total, 2);
      await waitFor('tally to apply the entry', async () => (await req.request(GetTally, {})).applied === 1, 15_000);
      await nc.close();
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });

  it('runs one service alone with hearth service, and a consumer elsewhere catches up', async () => {
    const env = { HEARTH_BROKER__URL: url, ...asHearth };
    const ledger = spawnHearth('node', ['service', 'ledger', '--config', cfg.file], { env });
    await ledger.waitForOutput(/"service":"ledger","msg":"ready"/);
    const nc = await ownerClient(url);
    const req = new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 65536 });
    for (let i = 0; i < 20; i++) await req.request(AddEntry, { key: 'y', amount: 1 });
    // tally was not running: it reads what it missed from ledger's log when it starts
    const tally = spawnHearth('node', ['service', 'tally', '--config', cfg.file], { env });
    await tally.waitForOutput(/"service":"tally","msg":"ready"/);
    const t = await waitFor('tally to catch up to checkpoint 21', async () => {
      const r = await req.request(GetTally, {});
      return r.checkpoint === 21 ? r : undefined; // 1 from the first test + 20
    }, 15_000);
    assert.equal(t.duplicates, 0);
    await nc.close();
    assert.equal(await tally.stop('SIGTERM'), 0);
    assert.equal(await ledger.stop('SIGTERM'), 0);
  });
});
