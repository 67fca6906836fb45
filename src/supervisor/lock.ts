/**
 * One Hearth per data directory, held by the operating system: `hearth serve` (and
 * `hearth rebuild`) listens on a Unix domain socket at `<data>/hearth.lock` while it runs.
 * Another Hearth connects to it. Accepted: the holder answers `hearth <pid>` and the
 * newcomer refuses at once, naming it. Refused: whoever made the socket is gone (the
 * kernel closes a dead process's sockets at once, before its zombie is reaped), so the
 * file is stale and is replaced. No pid is ever read from a file or guessed at.
 *
 * Taking it is race-free between two starts: the socket is bound under a name of our own,
 * then hard-linked to hearth.lock (a link fails if the name exists). A stale file is first
 * renamed aside and deleted only if it still refuses connections there; one that answers
 * after all is linked back. An old-format lock (a file holding a pid, before #13) is
 * stale in this sense and is replaced, with a warning if the pid it names is running.
 */
import { chmodSync, linkSync, lstatSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, relative } from 'node:path';

/** The lock's name in the data directory. */
export const LOCK_FILE = 'hearth.lock';

/** Why the lock cannot be taken; `pid` is the holder's, 0 if unknown. */
export class LockError extends Error {
  readonly pid: number;
  constructor(message: string, pid = 0) {
    super(message);
    this.pid = pid;
  }
}

/** A held lock. */
export interface DataLock {
  /** Gives the lock up (idempotent). */
  release(): void;
}

/** What answers on a lock socket. */
type Probe = { pid: number } | 'stale' | 'missing' | 'silent';

/** sun_path holds 108 bytes on Linux and 104 on macOS, including the final NUL. */
const MAX_SOCKET_PATH = 103;
/** How long a socket that accepts but does not answer may take before we give up. */
const SILENT_MS = 4000;
const ANSWER = /^hearth (\d+)\n/;

/** The pid of the Hearth holding `data`, or 0 when none does. */
export async function lockHolder(data: string): Promise<number> {
  const p = await probe(join(data, LOCK_FILE));
  return typeof p === 'object' ? p.pid : 0;
}

/**
 * Takes the lock on `data` (which must exist); throws a LockError naming the holder when
 * another Hearth has it. `warn` hears about an old-format lock file that was replaced.
 *
 * @example
 * const lock = await takeLock(config.data, (m) => log.warn(m));
 * // … run …
 * lock.release();
 */
export async function takeLock(data: string, warn: (message: string) => void = () => {}): Promise<DataLock> {
  const file = join(data, LOCK_FILE);
  const own = `${file}.${process.pid}`;
  rmSync(own, { force: true }); // left by an earlier process that had our pid
  const server = createServer((c) => {
    c.on('error', () => {}); // a prober that hung up early is no concern of ours
    c.end(`hearth ${process.pid}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath(own), () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    chmodSync(own, 0o600);
    await claim(own, file, data, warn);
  } catch (err) {
    server.close();
    throw err;
  } finally {
    rmSync(own, { force: true });
  }
  const ino = lstatSync(file).ino;
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        if (lstatSync(file).ino === ino) unlinkSync(file);
      } catch {
        // already gone: nothing to give up
      }
      server.close();
    },
  };
}

/** Links our socket `own` to `file`, replacing a stale one; throws if a live Hearth holds it. */
async function claim(own: string, file: string, data: string, warn: (m: string) => void): Promise<void> {
  const deadline = Date.now() + SILENT_MS;
  for (;;) {
    try {
      linkSync(own, file);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const p = await probe(file);
    if (typeof p === 'object') throw new LockError(`Hearth is already running on ${data} (pid ${p.pid}); stop it first`, p.pid);
    if (p === 'stale') await removeStale(file, warn);
    if (p === 'silent') {
      // Something holds the socket open but does not answer: on Deno, the children of a
      // killed supervisor inherit it for the moment they take to stop.
      if (Date.now() > deadline) throw new LockError(`${file} is held open by a process that does not answer; is another program using ${data}?`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Deletes the stale lock `file`, unless it came alive since we looked. */
async function removeStale(file: string, warn: (m: string) => void): Promise<void> {
  const aside = `${file}.stale.${process.pid}`;
  let oldPid = 0;
  try {
    const st = lstatSync(file);
    if (st.isDirectory()) throw new LockError(`${file} is a directory, not Hearth's lock; remove it`);
    if (st.isFile()) oldPid = Number(readFileSync(file, 'utf8').trim()) || 0;
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw err;
  }
  const p = await probe(aside);
  if (p !== 'stale' && p !== 'missing') {
    // A Hearth bound it between our probe and the rename: give it its name back.
    try {
      linkSync(aside, file);
    } catch {
      // a third one took the name meanwhile; the next probe finds whoever holds it
    }
  }
  rmSync(aside, { force: true });
  if (p === 'stale' && oldPid) {
    warn(`replaced an old-format lock file naming pid ${oldPid}${running(oldPid) ? ' (still running: if that is an older Hearth using this data directory, stop it)' : ''}`);
  }
}

/** Connects to the socket at `file` and reads who answers. */
function probe(file: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const c = connect(socketPath(file));
    let got = '';
    let over = false;
    const done = (p: Probe | Error) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      c.destroy();
      if (p instanceof Error) reject(p);
      else resolve(p);
    };
    const timer = setTimeout(() => done('silent'), 1000);
    c.setEncoding('utf8');
    c.on('data', (d: string) => {
      got += d;
      const m = ANSWER.exec(got);
      if (m) done({ pid: Number(m[1]) });
    });
    c.on('end', () => done('silent'));
    c.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done('stale'); // also what a regular file (the old format) gives
      else if (err.code === 'ENOENT') done('missing');
      // The holder died with our connection in its backlog: ask again (it will be refused).
      else if (err.code === 'ECONNRESET') done('silent');
      else done(new LockError(`cannot check the lock ${file}: ${err.code ?? err.message}`));
    });
  });
}

/** The path to bind or connect to: `file`, or relative to the working directory if that is too long. */
export function socketPath(file: string): string {
  if (Buffer.byteLength(file) <= MAX_SOCKET_PATH) return file;
  const rel = relative(process.cwd(), file);
  if (Buffer.byteLength(rel) <= MAX_SOCKET_PATH) return rel;
  throw new LockError(`the data directory's path is too long for its lock socket (${file}: at most ${MAX_SOCKET_PATH} bytes); use a shorter path`);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
