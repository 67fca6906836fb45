/**
 * `npm run build` makes one binary per platform — `dist/hearth-linux-x64` and
 * `dist/hearth-linux-arm64`, `dist/hearth` a copy of this machine's, `dist/SHA256SUMS` over
 * them — and the arm64 one works: under QEMU's user-mode emulator (tests/support/qemu.ts) it
 * says its version, `serve` becomes ready, and it takes a sign-up, a location fix and a chat
 * message through the API, with every service an emulated child. How long each step took is
 * printed (docs/benchmarks.md records it), not asserted: emulation on a shared machine is no clock.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeGroup, signUp } from '../support/accounts.ts';
import { binarySkip, buildRelease } from '../support/binary.ts';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { call } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';
import { emulatedArm64, qemuEnv, qemuSkip } from '../support/qemu.ts';
import { useTempDir } from '../support/test-file.ts';

/** The ELF header's `e_machine`: 62 for x86-64, 183 for aarch64. */
function elfMachine(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(20);
    readSync(fd, head, 0, 20, 0);
    assert.equal(head.subarray(0, 4).toString('latin1'), '\x7fELF', `${file} is not an ELF executable`);
    return head.readUInt16LE(18);
  } finally {
    closeSync(fd);
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('npm run build', { skip: binarySkip, timeout: 300_000 }, () => {
  it("makes an x64 and an arm64 binary and their checksums; dist/hearth is this machine's", () => {
    const dist = buildRelease();
    assert.equal(elfMachine(join(dist, 'hearth-linux-x64')), 62);
    assert.equal(elfMachine(join(dist, 'hearth-linux-arm64')), 183);
    const sums = new Map(
      readFileSync(join(dist, 'SHA256SUMS'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => {
          const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
          assert.ok(m, `a sha256sum line: ${line}`);
          return [m[2]!, m[1]!] as const;
        }),
    );
    assert.deepEqual([...sums.keys()].sort(), ['hearth', 'hearth-linux-arm64', 'hearth-linux-x64']);
    for (const [name, sum] of sums) assert.equal(sha256(join(dist, name)), sum, name);
    if (process.platform === 'linux' && process.arch === 'x64') assert.equal(sums.get('hearth'), sums.get('hearth-linux-x64'));
  });
});

describe('the arm64 binary under qemu-aarch64-static', { skip: binarySkip ?? qemuSkip(), timeout: 600_000 }, () => {
  const dir = useTempDir('arm64-qemu');

  it('says its version, serves to /readyz, and takes a sign-up, a location fix and a chat message', async (t) => {
    const bin = join(buildRelease(), 'hearth-linux-arm64');
    // An arm64 file: the host cannot run it, so every process below is QEMU's.
    assert.equal(elfMachine(bin), 183);
    const rt = emulatedArm64(bin);
    const took: string[] = [];
    const timed = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const out = await step();
      took.push(`${what} ${Math.round(performance.now() - start)} ms`);
      return out;
    };

    const version = await timed('version', async () => {
      const v = spawnHearth(rt, ['version'], { env: qemuEnv });
      assert.equal(await v.exited, 0, v.output());
      return v.output();
    });
    assert.match(version, /^hearth \d+\.\d+\.\d+ \(Bun [\d.]+\)\n$/);

    const file = join(dir, 'hearth.conf');
    writeFileSync(
      file,
      `data: "${join(dir, 'data')}"
http: "127.0.0.1:0"
broker { port: -1, websocket { port: -1 } }
users { registration: "open" }
supervisor { ready_timeout_ms: 240000 }
log { format: "json" }
`,
    );
    const h = spawnHearth(rt, ['serve', '--config', file], { cwd: dir, env: qemuEnv });
    try {
      // From exec to the first 200: the banner comes once every service is healthy.
      const url = await timed('serve to /readyz', async () => {
        const { http } = await bannerOf(h, 300_000);
        return waitFor('/readyz 200', async () => (await fetch(`${http}/readyz`)).status === 200 && http, { timeoutMs: 60_000, everyMs: 50 });
      });
      const ready = await call({ url }, 'GET', '/readyz');
      for (const s of ['gateway', 'users', 'location', 'chat', 'notifications']) assert.equal(ready.body.services[s]?.status, 'ok', `${s}: ${ready.text}`);
      const s = { url };

      const ann = await timed('sign-up (register, sign in)', () => signUp(s, 'Ann'));
      const group = await timed('a group', () => makeGroup(s, ann));
      await timed('the group reaches location', () =>
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
        call(s, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: 'hello from arm64', txnId: 'arm64-1' } }),
      );
      assert.equal(sent.status, 201, sent.text);
      const page = await call(s, 'GET', `/v1/groups/${group}/messages?limit=10`, { token: ann.token });
      assert.ok(page.body.messages.some((m: { text: string | null }) => m.text === 'hello from arm64'), page.text);

      assert.equal(await timed('stop (SIGTERM)', () => h.stop('SIGTERM')), 0, h.output().slice(-3000));
    } finally {
      await h.stop('SIGKILL');
    }
    t.diagnostic(`arm64 under qemu-aarch64-static: ${took.join('; ')}`);
  });
});
