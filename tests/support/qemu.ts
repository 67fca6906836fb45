/**
 * Runs an arm64 (aarch64) Linux binary on an x64 machine under QEMU's user-mode emulator,
 * `qemu-aarch64-static` (Debian's `qemu-user-static`), with the arm64 C library from
 * `libc6-arm64-cross` and `libgcc-s1-arm64-cross` (libSQL's addon needs libgcc_s).
 *
 * `hearth serve` starts its services by running its own executable again, and an emulated
 * process's `execve` goes to the host kernel, which cannot run an arm64 file unless
 * binfmt_misc names an interpreter for it. Registering one for the whole machine is not a
 * test's business, so the binary runs in a new user and mount namespace with its own
 * binfmt_misc (Linux 6.7+ mounts one per user namespace), where `qemu-aarch64` is registered
 * with the `F` flag (the interpreter opened at registration) and seen by nothing else. No
 * `--fork`: `unshare` execs the shell, which execs Hearth, so the spawned pid is Hearth's own
 * and signals reach it directly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { HearthRuntime } from './hearth-process.ts';

const QEMU = '/usr/bin/qemu-aarch64-static';
/** Where libc6-arm64-cross puts the arm64 loader and libraries; QEMU looks there first. */
const LIBS = '/usr/aarch64-linux-gnu';
/** The ELF header of an aarch64 executable and its mask, as Debian's qemu-user-static registers it. */
const MAGIC = '\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
const MASK = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';
const REGISTER = `:hearth-aarch64:M::${MAGIC}:${MASK}:${QEMU}:F`;

/** The command prefix: a private binfmt_misc with QEMU registered, then `exec "$@"`. */
const VIA = [
  'unshare', '--user', '--map-root-user', '--mount', '--',
  'sh', '-c', 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && printf %s "$0" > /proc/sys/fs/binfmt_misc/register && exec "$@"',
  REGISTER,
];

/**
 * The environment QEMU needs, inherited by every child: where the arm64 libraries are, and
 * the CPU to emulate. Not QEMU's default `max` (every optional feature of later Arm
 * versions, which a binary could use and a Pi would lack), but the Cortex-A53 of a
 * Raspberry Pi 3 or Zero 2 W, the oldest 64-bit Pi: plain ARMv8.0-A (QEMU's model has the
 * crypto extension, which the Pis' chips do not; nothing here is known to need it).
 */
export const qemuEnv: Record<string, string> = { QEMU_LD_PREFIX: LIBS, QEMU_CPU: 'cortex-a53' };

/** Why an arm64 binary cannot be run here, or undefined. */
export function qemuSkip(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the emulation test runs on linux-x64 hosts';
  if (!existsSync(QEMU)) return `${QEMU} is missing (apt-get install qemu-user-static)`;
  for (const lib of ['ld-linux-aarch64.so.1', 'libgcc_s.so.1']) {
    if (!existsSync(`${LIBS}/lib/${lib}`)) return `${LIBS}/lib/${lib} is missing (apt-get install libc6-arm64-cross libgcc-s1-arm64-cross)`;
  }
  const probe = spawnSync(VIA[0]!, [...VIA.slice(1), 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `no binfmt_misc of its own in a user namespace here (Linux 6.7+ and unshare needed): ${probe.error?.message ?? probe.stderr.trim().split('\n')[0]}`;
  return undefined;
}

/**
 * How spawnHearth runs an arm64 `binary` under emulation (pass `qemuEnv` too).
 *
 * @example
 * const h = spawnHearth(emulatedArm64(bin), ['version'], { env: qemuEnv });
 */
export function emulatedArm64(binary: string): HearthRuntime {
  return { binary, via: VIA };
}
