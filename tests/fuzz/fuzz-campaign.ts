/**
 * `npm run fuzz`: the longer campaign — by default 10,000 malformed requests and 5,000
 * malformed stream frames against a fresh `hearth serve`, stopped after 15 minutes
 * whatever the count. Prints the seed first (replay: `FUZZ_SEED=<seed> npm run
 * fuzz`), then the figures, then any findings; exits 1 if there were findings, the
 * appliance stopped serving, or a service was restarted or logged an error.
 *
 *   npm run fuzz -- [--requests N] [--frames N] [--minutes M] [--seed S]
 */
import { parseArgs } from 'node:util';
import { startAppliance } from './appliance.ts';
import { runCampaign } from './campaign.ts';
import { seedFrom } from './rng.ts';

const { values } = parseArgs({ options: { requests: { type: 'string' }, frames: { type: 'string' }, minutes: { type: 'string' }, seed: { type: 'string' } } });
const seed = values.seed !== undefined ? Number(values.seed) : seedFrom(process.env, Math.floor(Math.random() * 2 ** 31));
const requests = Number(values.requests ?? 10_000);
const frames = Number(values.frames ?? 5_000);
const minutes = Number(values.minutes ?? 15);

console.log(`fuzz: seed ${seed}; ${requests} requests, ${frames} frames, at most ${minutes} min`);
const app = await startAppliance();
let failed = false;
try {
  const f = await runCampaign(app, { seed, requests, frames, concurrency: 8, deadline: Date.now() + minutes * 60_000 });
  const ready = await fetch(`${app.url}/readyz`).then((r) => r.status, () => 0);
  const out = app.proc.output();
  const loud = out.split('\n').filter((l) => /"level":"(error|fatal)"|restarting|exited unexpectedly/.test(l));
  const byStatus = Object.entries(f.byStatus).map(([k, n]) => `${k}: ${n}`).join(', ');
  console.log(`
seed            ${seed}
requests        ${f.requests} in ${(f.elapsedMs / 1000).toFixed(1)} s (with the frames)
by kind         ${Object.entries(f.byCategory).filter(([k]) => !k.startsWith('frame:')).map(([k, n]) => `${k} ${n}`).join(', ')}
statuses        ${byStatus}
latency         p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms (${f.slow} over 1 s)
frames          ${f.frames} on ${f.connections} connections: ${Object.entries(f.byCategory).filter(([k]) => k.startsWith('frame:')).map(([k, n]) => `${k.slice(6)} ${n}`).join(', ')}
close codes     ${Object.entries(f.closeCodes).map(([k, n]) => `${k}: ${n}`).join(', ')}
server replies  ${Object.entries(f.serverMessages).map(([k, n]) => `${k}: ${n}`).join(', ')}
5xx             ${Object.entries(f.byStatus).filter(([k]) => /^5/.test(k)).reduce((n, [, c]) => n + c, 0)}
findings        ${f.findings.length}
afterwards      /readyz ${ready}; ${loud.length} error or restart lines in the log`);
  for (const finding of f.findings.slice(0, 50)) console.log(`  - ${finding}`);
  for (const line of loud.slice(0, 20)) console.log(`  log: ${line.slice(0, 400)}`);
  failed = f.findings.length > 0 || ready !== 200 || loud.length > 0;
} finally {
  await app.stop();
}
process.exit(failed ? 1 : 0);
