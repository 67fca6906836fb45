/**
 * `hearth serve` under each runtime — Node, Bun, Deno — and as the compiled binary: it
 * starts the broker and the test services, answers /readyz with 200 once they are healthy,
 * serves the web app at /, a service answers its health request over the broker, and SIGTERM stops it all with 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthOp, Requester } from '../../src/kit/index.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';
import { bannerOf, runtimeSkip, spawnHearth, type HearthRuntime } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { ownerClient, writeTestConfig } from '../support/config.ts';

// The compiled binary cannot load plug-in .ts files that import packages, so its test build
// has the test services compiled in (tests/kit-service/binary-entry.ts).
const runtimes: [string, () => HearthRuntime, string | undefined, boolean][] = [
  ['Node', () => 'node', undefined, false],
  ['Bun', () => 'bun', runtimeSkip('bun'), false],
  ['Deno', () => 'deno', runtimeSkip('deno'), false],
  ['the compiled binary', () => ({ binary: buildBinary({ testServices: true }) }), binarySkip, true],
];

for (const [name, rt, skip, builtIn] of runtimes) {
  describe(`hearth serve on ${name}`, { skip, timeout: 120_000 }, () => {
    it('becomes ready, answers health, and stops cleanly on SIGTERM', async () => {
      const cfg = writeTestConfig('', { builtIn });
      const h = spawnHearth(rt(), ['serve', '--config', cfg.file], { cwd: cfg.dir });
      try {
        const { http, broker } = await bannerOf(h, 60_000);
        const ready = await getJson(`${http}/readyz`);
        assert.equal(ready.status, 200, JSON.stringify(ready.body));
        for (const s of ['ledger', 'tally']) assert.equal(ready.body.services[s]?.status, 'ok', s);
        // The family's web app is served at / (inside the binary, from its embedded bundle).
        const page = await fetch(`${http}/`, { headers: { accept: 'text/html' } });
        assert.equal(page.status, 200);
        const script = /<script type="module" src="(\/assets\/app-[^"]+\.js)"/.exec(await page.text())?.[1];
        assert.ok(script, 'the page names its script');
        const js = await fetch(http + script, { headers: { 'accept-encoding': 'br' } });
        assert.equal(js.status, 200);
        assert.equal(js.headers.get('content-encoding'), 'br');
        assert.ok((await js.arrayBuffer()).byteLength > 1000);
        const nc = await ownerClient(broker);
        const health = await new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 1024 }).request(healthOp('ledger'), {});
        assert.equal(health.status, 'ok');
        await nc.close();
        assert.equal(await h.stop('SIGTERM'), 0);
        assert.match(h.output(), /"service":"ledger","msg":"stopped"/);
      } finally {
        await h.stop('SIGKILL');
      }
    });
  });
}

describe('hearth version', () => {
  it('names the version and the runtime', async () => {
    const h = spawnHearth('node', ['version']);
    assert.equal(await h.exited, 0);
    assert.match(h.output(), /^hearth \d+\.\d+\.\d+ \(Node v\d+/);
  });
});
