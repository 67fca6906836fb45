/**
 * `hearth backup` and `hearth restore` with real processes: a backup taken while location
 * fixes and chat messages stream in through the API, restored into a new directory that a
 * new Hearth then serves — every write acknowledged before the backup began is there, the
 * old passwords sign in, and a new chat mention still reaches the inbox. Then bad input,
 * each a clear error with the target directory left exactly as it was.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { writeBackup } from '../../src/supervisor/index.ts';
import { joinGroup, makeGroup, signIn, signUp, type User } from '../support/accounts.ts';
import { serveAppliance, type Served } from '../support/appliance.ts';
import { spawnHearth } from '../support/hearth-process.ts';
import { call } from '../support/http.ts';
import { sql } from '../support/database.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

const OPEN = 'users { registration: "open" }';
const SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'];

/** `hearth <args>` to its end: the exit code and everything it printed. */
async function hearth(args: string[], cwd: string): Promise<{ code: number | string; out: string }> {
  const p = spawnHearth('node', args, { cwd });
  const code = await p.exited;
  return { code, out: p.output() };
}

/** Every file under `dir` with its SHA-256: what "left as it was" means. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      const r = rel ? `${rel}/${f}` : f;
      if (statSync(p).isDirectory()) walk(p, r);
      else if (statSync(p).isFile()) out[r] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

describe('hearth backup and hearth restore', { timeout: 200_000 }, () => {
  const dir = useTempDir('backup-restore');
  let first: Served;
  let second: Served | undefined;
  let ann: User;
  let bo: User;
  let group: string;
  let archive: string;
  const restored = join(dir, 'restored');
  const fixesBefore: number[] = []; // the lat of each fix acknowledged before the backup began
  const messagesBefore: string[] = [];

  before(async () => {
    first = await serveAppliance(OPEN);
    ann = await signUp(first, 'Ann');
    bo = await signUp(first, 'Bo');
    group = await makeGroup(first, ann);
    await joinGroup(first, group, ann, bo);
    await waitFor('Bo known to the location service', async () => {
      const r = await call(first, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
      return (r.status === 200 && r.body.members.some((m: { userId: string }) => m.userId === bo.userId)) || undefined;
    }, 20_000);
  });
  after(async () => {
    await first?.hearth.stop();
    await second?.hearth.stop();
  });

  it('backs up while location fixes and chat messages stream in', async (t) => {
    let writing = true;
    let backupStart = Infinity;
    const fixes: { lat: number; at: number }[] = [];
    const messages: { text: string; at: number }[] = [];
    const streamFixes = (async () => {
      for (let i = 0; writing; i++) {
        const lat = 50 + i / 10_000;
        const r = await call(first, 'POST', '/v1/locations', { token: ann.token, body: { lat, lon: 13.4, timestamp: new Date().toISOString(), accuracy: 10 } });
        assert.equal(r.status, 200, r.text);
        fixes.push({ lat, at: Date.now() });
      }
    })();
    const streamMessages = (async () => {
      // At most 80, so the newest page (100) holds every one of them.
      for (let i = 0; writing && i < 80; i++) {
        const text = `message ${i}`;
        const r = await call(first, 'POST', `/v1/groups/${group}/messages`, { token: bo.token, body: { text, txnId: `t${i}` } });
        assert.equal(r.status, 201, r.text);
        messages.push({ text, at: Date.now() });
        await new Promise((res) => setTimeout(res, 40));
      }
    })();
    try {
      await waitFor('writes under way', () => fixes.length >= 20 && messages.length >= 10, 20_000);
      archive = join(dir, 'family.tar.gz');
      backupStart = Date.now();
      const b = await hearth(['backup', '--config', join(first.dir, 'hearth.conf'), '--out', archive], dir);
      assert.equal(b.code, 0, b.out);
      assert.match(b.out, /backup written: .*family\.tar\.gz \(.*, 5 databases, [\d.]+ s\)/);
      for (const s of SERVICES) assert.match(b.out, new RegExp(`copied ${s} \\(\\d/5\\)`));
    } finally {
      writing = false;
      await Promise.all([streamFixes, streamMessages]);
    }
    fixesBefore.push(...fixes.filter((f) => f.at < backupStart).map((f) => f.lat));
    messagesBefore.push(...messages.filter((m) => m.at < backupStart).map((m) => m.text));
    assert.ok(fixes.length > fixesBefore.length, 'some fixes were written during the backup');
    assert.equal(statSync(archive).mode & 0o777, 0o600);
    t.diagnostic(`${fixesBefore.length} fixes and ${messagesBefore.length} messages acknowledged before the backup began, ${fixes.length - fixesBefore.length} and ${messages.length - messagesBefore.length} after`);
  });

  it('refuses to restore while Hearth runs on the directory, even with --force (exit 2)', async () => {
    const r = await hearth(['restore', archive, '--config', join(first.dir, 'hearth.conf'), '--force'], dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /Hearth is running on .* \(pid \d+\); stop it before restoring/);
    assert.ok(!readdirSync(first.data).some((f) => f.startsWith('replaced-')), 'nothing moved aside');
    assert.ok(existsSync(join(first.data, 'hearth.lock')), 'the lock is still the running Hearth\'s');
    assert.equal((await call(first, 'GET', '/readyz')).status, 200);
  });

  it('restores into a new directory: every write acknowledged before the backup, the old passwords, events flowing', async () => {
    await first.hearth.stop();
    const r = await hearth(['restore', archive, '--config', join(first.dir, 'hearth.conf'), '--data', restored], dir);
    assert.equal(r.code, 0, r.out);
    for (const s of SERVICES) assert.match(r.out, new RegExp(`restored\\s+${s}\\s+\\d+ events`));
    assert.deepEqual(readdirSync(restored).filter((f) => f.endsWith('.db')).sort(), SERVICES.map((s) => `${s}.db`).sort());

    second = await serveAppliance(OPEN, { data: restored });
    const ann2 = await signIn(second, 'Ann', ann.email, ann.password);
    const bo2 = await signIn(second, 'Bo', bo.email, bo.password);
    const track = await call(second, 'GET', `/v1/groups/${group}/members/${ann.userId}/track?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&limit=10000`, { token: ann2.token });
    assert.equal(track.status, 200, track.text);
    const lats = new Set(track.body.points.map((p: { lat: number }) => p.lat));
    const lostFixes = fixesBefore.filter((lat) => !lats.has(lat));
    assert.deepEqual(lostFixes, [], `every one of the ${fixesBefore.length} fixes acknowledged before the backup is there`);
    const page = await call(second, 'GET', `/v1/groups/${group}/messages?limit=100`, { token: ann2.token });
    assert.equal(page.status, 200, page.text);
    const texts = new Set(page.body.messages.map((m: { text: string | null }) => m.text));
    assert.deepEqual(messagesBefore.filter((t) => !texts.has(t)), [], `every one of the ${messagesBefore.length} messages acknowledged before the backup is there`);

    // Events still flow between services: chat → notifications.
    const text = '@Bo the restore worked';
    const sent = await call(second, 'POST', `/v1/groups/${group}/messages`, { token: ann2.token, body: { text, txnId: 'after-restore' } });
    assert.equal(sent.status, 201, sent.text);
    await waitFor('the mention in Bo\'s inbox', async () => {
      const inbox = await call(second!, 'GET', '/v1/notifications?limit=100', { token: bo2.token });
      return inbox.body?.items?.some((x: { type: string; body: string }) => x.type === 'mention' && x.body === text) || undefined;
    }, 20_000);
    await second.hearth.stop();
  });

  describe('bad input: a clear error, and nothing in the target directory changed', () => {
    let conf: string;
    let baseline: Record<string, string>;
    /** `hearth restore <args> --force` into the restored directory (which holds databases). */
    const refused = async (args: string[], code: number, message: RegExp) => {
      const r = await hearth(['restore', ...args, '--config', conf, '--data', restored, '--force'], dir);
      assert.equal(r.code, code, r.out);
      assert.match(r.out, message);
      assert.deepEqual(fingerprint(restored), baseline);
    };

    before(() => {
      assert.ok(archive, 'the backup above was written');
      conf = join(first.dir, 'hearth.conf');
      baseline = fingerprint(restored);
    });

    it('refuses a database entry with flipped bytes (exit 1)', async () => {
      const plain = join(dir, 'flipped.tar');
      const tarBytes = gunzipSync(readFileSync(archive));
      tarBytes[tarBytes.length - 20_000] ^= 0xff; // inside the last database's pages (tar ends with 1 KiB of zeros, padding aside)
      writeFileSync(plain, tarBytes);
      await refused([plain], 1, /does not match its checksum/);
    });

    it('refuses a cut archive (exit 1)', async () => {
      const cut = join(dir, 'cut.tar.gz');
      cpSync(archive, cut);
      truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
      await refused([cut], 1, /damaged|incomplete/);
    });

    it('refuses garbage that is not an archive (exit 1), and a missing file (exit 2)', async () => {
      const garbage = join(dir, 'garbage.tar.gz');
      writeFileSync(garbage, 'this is not a backup\n'.repeat(100));
      await refused([garbage], 1, /is not a Hearth backup/);
      await refused([join(dir, 'no-such-backup.tar.gz')], 2, /no such file/);
    });

    it('refuses a database with a migration this build does not know, naming the service and versions (exit 1)', async () => {
      const copy = join(dir, 'newer-data');
      cpSync(restored, copy, { recursive: true });
      await sql(join(copy, 'chat.db'), "INSERT INTO kit_migrations (scope, version, name, applied_at) VALUES ('chat', 99, 'from-the-future', '2030-01-01T00:00:00Z')");
      const newer = join(dir, 'newer.tar.gz');
      const { config } = loadConfig(['--config', conf, '--data', copy]);
      await writeBackup({ config, services: SERVICES, out: newer });
      await refused([newer], 1, /chat's database has chat migration 99 "from-the-future", which this Hearth does not have/);
    });

    it('refuses the wrong passphrase (exit 1)', async () => {
      const pass = join(dir, 'pass');
      writeFileSync(pass, 'the right passphrase\n');
      writeFileSync(join(dir, 'wrong'), 'not it\n');
      const enc = join(dir, 'family.tar.gz.age');
      const b = await hearth(['backup', '--config', conf, '--data', restored, '--out', enc, '--passphrase-file', pass], dir);
      assert.equal(b.code, 0, b.out);
      assert.match(b.out, /encrypted/);
      assert.doesNotMatch(b.out, /the right passphrase/);
      baseline = fingerprint(restored); // the backup's own reads may have checkpointed a -wal away
      await refused([enc, '--passphrase-file', join(dir, 'wrong')], 1, /wrong passphrase/);
    });

    it('refuses a directory holding service databases without --force (exit 2)', async () => {
      const r = await hearth(['restore', archive, '--config', conf, '--data', restored], dir);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, /already holds service databases .*--force/);
      assert.deepEqual(fingerprint(restored), baseline);
    });
  });
});
