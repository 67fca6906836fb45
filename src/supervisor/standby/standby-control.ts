/**
 * How `hearth promote` reaches the standby: a Unix domain socket, `<data>/hearth.standby`,
 * that only a running standby listens on (private to its user, like the data directory;
 * the kernel closes it when the standby dies, so a stale file refuses connections and is
 * never mistaken for a standby). No signal is sent to a pid: a `hearth serve` holding the
 * data directory has no such socket, so promote cannot disturb a primary by mistake.
 *
 * The protocol is lines of text. Promote writes `promote`; the standby answers with
 * `say <text>` lines as it goes, then `ready <url>` once it serves as the primary, or
 * `failed <text>`, and hangs up.
 */
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { socketPath } from '../lock.ts';

/** The control socket's name in the data directory. */
export const CONTROL_FILE = 'hearth.standby';

/** How the standby answers one promote request. */
export interface PromoteReport {
  /** One line of progress for the person running `hearth promote`. */
  say(line: string): void;
  /** The end: ready at `url`, or failed saying why. */
  ready(url: string): void;
  failed(why: string): void;
}

/** The standby's side: listens on `<data>/hearth.standby`; `promote` runs once per request. */
export async function listenControl(data: string, promote: (report: PromoteReport) => void): Promise<Server> {
  const file = join(data, CONTROL_FILE);
  // Only a dead standby leaves the file behind (we hold the data directory's lock).
  rmSync(file, { force: true });
  const server = createServer((c) => {
    c.on('error', () => {}); // promote gave up listening; the promotion goes on
    c.setEncoding('utf8');
    let got = '';
    c.on('data', (d: string) => {
      got += d;
      if (!got.includes('\n')) return;
      if (got.split('\n')[0]!.trim() !== 'promote') return void c.end('failed unknown request\n');
      got = '';
      promote(reportTo(c));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath(file), () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(file, 0o600);
  return server;
}

function reportTo(c: Socket): PromoteReport {
  const write = (line: string) => {
    if (!c.destroyed) c.write(`${line.replace(/\n/g, ' ')}\n`);
  };
  return {
    say: (line) => write(`say ${line}`),
    ready: (url) => {
      write(`ready ${url}`);
      c.end();
    },
    failed: (why) => {
      write(`failed ${why}`);
      c.end();
    },
  };
}

/** No standby listens on the data directory. */
export class NoStandby extends Error {}

/**
 * Promote's side: asks the standby on `data` to become the primary, hands each progress
 * line to `onSay`, and resolves with its last word. Throws NoStandby when none listens.
 */
export function askPromote(data: string, onSay: (line: string) => void): Promise<{ ok: true; url: string } | { ok: false; why: string }> {
  const file = join(data, CONTROL_FILE);
  return new Promise((resolve, reject) => {
    const c = connect(socketPath(file));
    let got = '';
    let over = false;
    const done = (r: { ok: true; url: string } | { ok: false; why: string } | Error) => {
      if (over) return;
      over = true;
      c.destroy();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    c.setEncoding('utf8');
    c.on('connect', () => c.write('promote\n'));
    c.on('data', (d: string) => {
      got += d;
      let nl: number;
      while ((nl = got.indexOf('\n')) >= 0) {
        const line = got.slice(0, nl);
        got = got.slice(nl + 1);
        const sp = line.indexOf(' ');
        const [word, rest] = sp < 0 ? [line, ''] : [line.slice(0, sp), line.slice(sp + 1)];
        if (word === 'say') onSay(rest);
        else if (word === 'ready') done({ ok: true, url: rest });
        else if (word === 'failed') done({ ok: false, why: rest });
      }
    });
    c.on('end', () => done({ ok: false, why: 'the standby hung up without saying why (see its log)' }));
    c.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') done(new NoStandby(`no standby is running on ${data}`));
      else done(new Error(`cannot reach the standby on ${data}: ${err.code ?? err.message}`));
    });
  });
}
