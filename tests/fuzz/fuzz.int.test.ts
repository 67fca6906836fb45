/**
 * The seeded fuzz of `npm test`: ~2,000 malformed HTTP requests over every route of the
 * OpenAPI document and ~1,000 malformed stream frames against a real `hearth serve` —
 * no 5xx, every error a problem+json, no request left hanging, no stream closed as an
 * internal error, no service restarted, and the appliance still serving afterwards.
 * `FUZZ_SEED=<n>` replays a run; `npm run fuzz` is the longer campaign.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startAppliance, type Appliance } from './appliance.ts';
import { runCampaign } from './campaign.ts';
import { seedFrom } from './rng.ts';

const SEED = seedFrom(process.env, 20261202);

describe(`fuzz: malformed requests and frames against a real appliance (seed ${SEED})`, { timeout: 180_000 }, () => {
  let app: Appliance;
  before(async () => {
    app = await startAppliance();
  });
  after(() => app?.stop());

  it('answers 2,000 malformed requests and 1,000 malformed frames without a 5xx, a hang or a crash, and goes on serving', async () => {
    const f = await runCampaign(app, { seed: SEED, requests: 2000, frames: 1000, concurrency: 8 });
    console.log(`fuzz seed ${SEED}: ${f.requests} requests, ${f.frames} frames on ${f.connections} connections in ${f.elapsedMs} ms; statuses ${JSON.stringify(f.byStatus)}; close codes ${JSON.stringify(f.closeCodes)}`);
    assert.deepEqual(f.findings.slice(0, 10), [], `seed ${SEED}: ${f.findings.length} findings`);
    assert.equal(f.requests, 2000);
    assert.ok(f.frames >= 1000, `${f.frames} frames`);

    // Still serving: ready, a real request, a real stream.
    const ready = await fetch(`${app.url}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    await app.signIn();
    assert.equal((await fetch(`${app.url}/v1/me`, { headers: { authorization: `Bearer ${app.token}` } })).status, 200);
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/v1/stream`, { headers: { authorization: `Bearer ${app.token}` } });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)).type));
      ws.once('error', reject);
    });
    assert.equal(first, 'ready');
    ws.close();
    // Nothing crashed or was restarted by the supervisor, and nothing logged an internal error.
    const out = app.proc.output();
    assert.doesNotMatch(out, /restarting|exited unexpectedly|"level":"(error|fatal)"/, out.split('\n').filter((l) => /restart|exited|"level":"(error|fatal)"/.test(l)).slice(0, 5).join('\n'));
  });
});
