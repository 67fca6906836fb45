/**
 * The data directory's lock, with real processes on Node, Bun and Deno: a live holder
 * refuses the next one at once, naming its pid; a holder that was SIGKILLed — even one
 * left as an unreaped zombie — does not block; an old-format lock file naming a live,
 * unrelated process does not block either; and of several starts racing for a stale lock
 * exactly one wins.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockHolder, LockError, takeLock } from '../../src/supervisor/lock.ts';
import { hearthCommand, root, runtimeSkip } from '../support/hearth-process.ts';
import { waitFor } from '../support/poll.ts';

const fixture = join(root, 'tests/platform/lock-holder.ts');
const running: ChildProcess[] = [];
after(() => running.forEach((c) => c.kill('SIGKILL')));

/** Starts the lock-holder fixture; resolves with its first line (`held <pid>` or `refused …`). */
function holder(data: string, rt: 'node' | 'bun' | 'deno' = 'node'): Promise<{ child: ChildProcess; line: string }> {
  const [cmd, ...args] =
    rt === 'node' ? [process.execPath, '--import', 'tsx', fixture, data] : [...hearthCommand(rt, []).slice(0, rt === 'deno' ? 3 : 1), fixture, data];
  const child = spawn(cmd!, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  running.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = /^(held|refused) .*$/m.exec(out)?.[0];
      if (line) resolve({ child, line });
    });
    child.once('exit', (code) => setTimeout(() => reject(new Error(`lock holder exited ${code}: ${out}`)), 50));
  });
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'hearth-lock-'));
const state = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
  } catch {
    return 'gone';
  }
};

describe('the data directory lock', { timeout: 120_000 }, () => {
  for (const rt of ['node', 'bun', 'deno'] as const) {
    it(`refuses while a holder on ${rt} lives, naming its pid, and is free once it is SIGKILLed`, { skip: rt === 'node' ? undefined : runtimeSkip(rt) }, async () => {
      const data = dataDir();
      const { child, line } = await holder(data, rt);
      assert.equal(line, `held ${child.pid}`);
      assert.equal(await lockHolder(data), child.pid);
      await assert.rejects(takeLock(data), (err: LockError) => err.pid === child.pid && err.message.includes(`pid ${child.pid}`));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      assert.ok(lstatSync(join(data, 'hearth.lock')).isSocket(), 'the dead holder left its socket file behind');
      const lock = await takeLock(data);
      assert.equal(await lockHolder(data), process.pid);
      lock.release();
      assert.equal(await lockHolder(data), 0);
    });
  }

  it('is not blocked by the unreaped zombie of a SIGKILLed holder', async () => {
    const data = dataDir();
    // sh starts the holder in the background and becomes `sleep`, which never reaps it.
    const sh = spawn('sh', ['-c', `"$@" & echo "pid $!"; exec sleep 120`, 'sh', process.execPath, '--import', 'tsx', fixture, data], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running.push(sh);
    let out = '';
    sh.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const printed = (re: RegExp) => waitFor(`${re} from the holder`, () => re.exec(out), { timeoutMs: 30_000, everyMs: 50 });
    const pid = Number((await printed(/^pid (\d+)$/m))[1]);
    await printed(/^held /m);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && state(pid) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(state(pid), 'Z', 'the killed holder is a zombie');
    const lock = await takeLock(data);
    lock.release();
  });

  it('replaces an old-format lock file naming a live, unrelated process, and says so', async () => {
    const data = dataDir();
    const unrelated = spawn('sleep', ['60']);
    running.push(unrelated);
    writeFileSync(join(data, 'hearth.lock'), `${unrelated.pid}\n`);
    const warnings: string[] = [];
    const lock = await takeLock(data, (m) => warnings.push(m));
    assert.ok(lstatSync(join(data, 'hearth.lock')).isSocket());
    assert.match(warnings.join('\n'), new RegExp(`old-format lock file naming pid ${unrelated.pid} \\(still running`));
    lock.release();
  });

  it('lets exactly one of several racing starts take a stale lock', async () => {
    const data = dataDir();
    const first = await holder(data);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const results = await Promise.all(Array.from({ length: 6 }, () => holder(data)));
    const held = results.filter((r) => r.line.startsWith('held'));
    assert.equal(held.length, 1, results.map((r) => r.line).join('\n'));
    for (const r of results) if (r !== held[0]) assert.match(r.line, new RegExp(`^refused ${held[0]!.child.pid} `));
    assert.equal(await lockHolder(data), held[0]!.child.pid);
  });
});
