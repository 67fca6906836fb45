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
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { binarySkip, buildRelease } from '../support/binary.ts';
import { firstSteps, formatSteps } from '../support/first-steps.ts';
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

describe('the arm64 binary under qemu-aarch64-static', { skip: binarySkip ?? qemuSkip(), timeout: 900_000 }, () => {
  const dir = useTempDir('arm64-qemu');

  it('says its version, serves to /readyz, and takes a sign-up, a location fix and a chat message', async (t) => {
    const bin = join(buildRelease(), 'hearth-linux-arm64');
    // An arm64 file: the host cannot run it, so every process below is QEMU's.
    assert.equal(elfMachine(bin), 183);
    const took = await firstSteps(emulatedArm64(bin), dir, qemuEnv);
    t.diagnostic(`arm64 under qemu-aarch64-static: ${formatSteps(took)}`);
  });
});
