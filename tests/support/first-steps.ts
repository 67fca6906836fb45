/**
 * A new owner's first minute with Hearth, step by step and timed: `hearth version`, `hearth
 * serve` on a fresh data directory until `/readyz` answers 200, a sign-up (register, sign
 * in), a group, the group reaching the location service, a location fix, a chat message,
 * and a clean stop. Each step is checked, so a step that "took 0 ms" cannot be a failure.
 * tests/platform/arm64-qemu.test.ts runs it on the arm64 binary under emulation;
 * tests/bench/arm64.bench.ts runs it there and on the x64 binary, for the ratio.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeGroup, signUp } from './accounts.ts';
import { bannerOf, spawnHearth, type HearthRuntime } from './hearth-process.ts';
import { call } from './http.ts';
import { waitFor } from './poll.ts';

/** The steps, in order, as their timings are named. */
export const FIRST_STEPS = ['version', 'serve to /readyz', 'sign-up', 'a group', 'group reaches location', 'a location fix', 'a chat message', 'stop'] as const;

/** How long each step took, in ms. */
export type StepTimes = Record<(typeof FIRST_STEPS)[number], number>;

/**
 * Runs the steps with `rt` in the empty directory `dir` (its configuration and data go
 * there); `env` is added to each process's environment.
 *
 * @example
 * const ms = await firstSteps(emulatedArm64(bin), dir, qemuEnv);
 */
export async function firstSteps(rt: HearthRuntime, dir: string, env: Record<string, string> = {}): Promise<StepTimes> {
  const took = {} as StepTimes;
  const timed = async <T>(what: keyof StepTimes, step: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await step();
    took[what] = Math.round(performance.now() - start);
    return out;
  };

  const version = await timed('version', async () => {
    const v = spawnHearth(rt, ['version'], { env });
    assert.equal(await v.exited, 0, v.output());
    return v.output();
  });
  assert.match(version, /^hearth \d+\.\d+\.\d+ \(Bun [\d.]+\)\n$/);

  // A service's answer may take a minute, not 5 s: emulated and on a loaded machine, the
  // users service's scrypt (32 MiB, ~0.1 s natively) has taken longer than the default.
  const file = join(dir, 'hearth.conf');
  writeFileSync(
    file,
    `data: "${join(dir, 'data')}"
http: "127.0.0.1:0"
broker { port: -1, websocket { port: -1 } }
users { registration: "open" }
supervisor { ready_timeout_ms: 480000 }
kit { request_timeout_ms: 60000 }
log { format: "json" }
`,
  );
  const h = spawnHearth(rt, ['serve', '--config', file], { cwd: dir, env });
  try {
    // From exec to the first 200: the banner comes once every service is healthy. The bounds
    // are for a hang, not a timing: emulated, six processes start in 25 s of CPU, and a
    // loaded machine (load 25 on 2 cores) has stretched that to 260 s.
    const url = await timed('serve to /readyz', async () => {
      const { http } = await bannerOf(h, 500_000);
      return waitFor('/readyz 200', async () => (await fetch(`${http}/readyz`)).status === 200 && http, { timeoutMs: 120_000, everyMs: 20 });
    });
    const ready = await call({ url }, 'GET', '/readyz');
    for (const s of ['gateway', 'users', 'location', 'chat', 'notifications']) assert.equal(ready.body.services[s]?.status, 'ok', `${s}: ${ready.text}`);
    const s = { url };

    const ann = await timed('sign-up', () => signUp(s, 'Ann'));
    const group = await timed('a group', () => makeGroup(s, ann));
    await timed('group reaches location', () =>
      waitFor('the group known to location', async () => (await call(s, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).status === 200, 60_000),
    );
    const fix = await timed('a location fix', () =>
      call(s, 'POST', '/v1/locations', { token: ann.token, body: { lat: 52.5, lon: 13.4, timestamp: new Date().toISOString(), accuracy: 5 } }),
    );
    assert.equal(fix.status, 200, fix.text);
    assert.deepEqual(fix.body.groups, [group]);
    const live = await call(s, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    assert.equal(live.body.members.find((m: { userId: string }) => m.userId === ann.userId)?.lastFix?.lat, 52.5, live.text);

    const sent = await timed('a chat message', () =>
      call(s, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: 'hello from the first minute', txnId: 'first-1' } }),
    );
    assert.equal(sent.status, 201, sent.text);
    const page = await call(s, 'GET', `/v1/groups/${group}/messages?limit=10`, { token: ann.token });
    assert.ok(page.body.messages.some((m: { text: string | null }) => m.text === 'hello from the first minute'), page.text);

    assert.equal(await timed('stop', () => h.stop('SIGTERM')), 0, h.output().slice(-3000));
  } finally {
    await h.stop('SIGKILL');
  }
  return took;
}

/** `version 2944 ms; serve to /readyz 23038 ms; …` */
export function formatSteps(took: StepTimes): string {
  return FIRST_STEPS.map((s) => `${s} ${took[s]} ms`).join('; ');
}
