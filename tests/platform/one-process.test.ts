/**
 * `hearth serve --one-process` (docs/operations.md, "Small boards"): the broker and every
 * built-in service in the supervisor's process — every service answers its health with that
 * one pid and there is no child process — each with its own database file; the family signs
 * up and makes a group through the API; SIGTERM stops the services before the supervisor
 * and exits 0. (The rest of the suites run in this mode with `npm run test:one-process`; a
 * service that fails in the process is restarted: src/supervisor/in-process.int.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeGroup, signUp } from '../support/accounts.ts';
import { serveAppliance } from '../support/appliance.ts';
import { getJson } from '../support/http.ts';

/** The pids of `pid`'s child processes (those of every thread). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

const SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'];

describe('hearth serve --one-process', { timeout: 180_000 }, () => {
  it('runs every service in its one process, serves the family, and stops in order on SIGTERM', async () => {
    const s = await serveAppliance('users { registration: "open" }\nbackup { schedule: "" }', { args: ['--one-process'] });
    try {
      const pid = s.hearth.child.pid!;
      const ready = await getJson(`${s.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(Object.keys(ready.body.services).sort(), [...SERVICES].sort());
      for (const name of SERVICES) assert.equal(ready.body.services[name].pid, pid, `${name} runs in the supervisor's process`);
      assert.deepEqual(childrenOf(pid), [], 'no child process');
      for (const name of SERVICES) assert.ok(existsSync(join(s.data, `${name}.db`)), `${name} has its own database`);

      const ann = await signUp(s, 'ann');
      const group = await makeGroup(s, ann);
      assert.ok(group);

      assert.equal(await s.hearth.stop('SIGTERM'), 0);
      const lines = s.hearth.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { service: string; msg: string; level: string });
      const stoppedAt = (service: string) => lines.findIndex((l) => l.service === service && l.msg === 'stopped');
      for (const name of SERVICES) assert.ok(stoppedAt(name) >= 0 && stoppedAt(name) < stoppedAt('supervisor'), `${name} stopped before the supervisor`);
      assert.deepEqual(lines.filter((l) => l.level === 'error'), []);
    } finally {
      await s.hearth.stop('SIGKILL');
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
});
