/**
 * Scheduled backups under `hearth serve` (docs/operations.md, "Scheduled backups"), two
 * appliances side by side:
 *   - one with `backup.schedule` every 15 seconds (cron's seconds field) and a passphrase:
 *     a scheduled backup appears, verified and encrypted; downloaded, it verifies with the
 *     passphrase and not without; the next one replaces it (retention: one per day);
 *   - one with no schedule and `backup.dir` outside the data directory: the instance admin
 *     starts a backup (a second at once is 409), lists it and downloads it — the bytes are
 *     the file's and pass verifyBackup, with the family's database in it; anonymous callers
 *     get 401, other members 403, names that are not a listed backup 400 or 404.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyBackup, type BackupManifest } from '../../src/supervisor/index.ts';
import { signIn, signUp, type User } from '../support/accounts.ts';
import { serveAppliance, type Served } from '../support/appliance.ts';
import { assertProblem, call } from '../support/http.ts';
import { waitFor } from '../support/poll.ts';
import { useTempDir } from '../support/test-file.ts';

const PASSPHRASE = 'correct horse battery staple';
const tmp = useTempDir('scheduled-backups');

/** Downloads a backup: the answer and its bytes. */
async function download(h: { url: string }, token: string | undefined, name: string): Promise<{ res: Response; bytes: Buffer }> {
  const res = await fetch(`${h.url}/v1/admin/backups/${name}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The list, as the admin sees it. */
async function list(h: { url: string }, admin: User): Promise<any> {
  const a = await call(h, 'GET', '/v1/admin/backups', { token: admin.token });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

/** Writes `bytes` to a file of the test's and verifies it as hearth restore would. */
function verifyBytes(bytes: Buffer, name: string, o: { passphrase?: string } = {}): Promise<BackupManifest> {
  const file = join(tmp, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(file, bytes);
  return verifyBackup(file, o);
}

// The two appliances' tests run side by side (concurrency): the schedule's waits are its own.
describe('scheduled backups under hearth serve', { timeout: 150_000, concurrency: true }, () => {
  let scheduled: Served;
  let manual: Served;
  let ben: User;
  const manualDir = join(tmp, 'offsite');
  before(async () => {
    [scheduled, manual] = await Promise.all([
      serveAppliance(`users { registration: "open" }\nbackup { schedule: "*/15 * * * * *", passphrase: "${PASSPHRASE}" }`),
      serveAppliance(`users { registration: "open" }\nbackup { schedule: "", dir: "${manualDir}" }`),
    ]);
  });
  after(async () => {
    await Promise.all([scheduled?.hearth.stop(), manual?.hearth.stop()]);
    for (const s of [scheduled, manual]) if (s) rmSync(s.dir, { recursive: true, force: true });
  });

  it('writes an encrypted backup at each scheduled time, verified, and keeps the newest of the day', async () => {
    const admin = await signUp(scheduled, 'Ada');
    const first = await waitFor('a verified scheduled backup', async () => {
      const l = await list(scheduled, admin);
      return l.backups.find((b: any) => b.status === 'verified');
    }, { timeoutMs: 60_000, everyMs: 250 });
    assert.match(first.name, /^hearth-backup-\d{8}T\d{6}Z\.tar\.gz\.age$/);
    assert.equal(first.encrypted, true);
    assert.ok(first.manifest.services.some((s: any) => s.name === 'users' && s.head > 0), JSON.stringify(first.manifest));
    const l = await list(scheduled, admin);
    assert.equal(l.dir, join(scheduled.data, 'backups'));
    assert.equal(l.schedule.cron, '*/15 * * * * *');
    assert.equal(l.schedule.encrypted, true);
    assert.ok(Date.parse(l.schedule.nextRun) > Date.now() - 1000, l.schedule.nextRun);

    // Downloaded (retried should the next backup have replaced it meanwhile), it verifies with the passphrase only.
    const { name, bytes } = await waitFor('a download of the newest verified backup', async () => {
      const newest = (await list(scheduled, admin)).backups.find((b: any) => b.status === 'verified');
      const d = await download(scheduled, admin.token, newest.name);
      return d.res.status === 200 && { name: newest.name as string, bytes: d.bytes };
    }, 30_000);
    const manifest = await verifyBytes(bytes, name, { passphrase: PASSPHRASE });
    assert.ok(manifest.databases.some((d) => d.service === 'users'));
    await assert.rejects(verifyBytes(bytes, name), /passphrase/i);

    // The next scheduled backup replaces it: backup.keep keeps one per day (the newest).
    await waitFor('the next scheduled backup, and the earlier one pruned', async () => {
      const names = (await list(scheduled, admin)).backups.map((b: any) => b.name);
      return !names.includes(first.name) && names.length === 1 && names[0] > first.name;
    }, { timeoutMs: 60_000, everyMs: 250 });
    const files = readdirSync(join(scheduled.data, 'backups'));
    assert.ok(files.every((f) => !f.startsWith(first.name)), files.join());
  });

  it('serves the instance admin alone', async (t) => {
    await t.test('lets the instance admin start, list and download a backup; the bytes are the file and verify', startListDownload);
    await t.test('answers anonymous callers 401 and other members 403', refusesOthers);
    await t.test('serves nothing but a listed backup: traversal, absolute paths, records and unknown names are refused', refusesNames);
  });

  async function startListDownload(): Promise<void> {
    const admin = (ben = await signUp(manual, 'Ben'));
    const started = await call(manual, 'POST', '/v1/admin/backups', { token: admin.token });
    assert.equal(started.status, 202, started.text);
    const { name } = started.body;
    assert.match(name, /^hearth-backup-\d{8}T\d{6}Z\.tar\.gz$/);
    assert.equal(started.headers.get('location'), `/v1/admin/backups/${name}`);
    assertProblem(await call(manual, 'POST', '/v1/admin/backups', { token: admin.token }), 409, 'backup.running');

    const listed = await waitFor('the backup verified', async () => {
      const l = await list(manual, admin);
      return l.running === null && l.backups.find((b: any) => b.name === name && b.status === 'verified') && l;
    }, 30_000);
    assert.equal(listed.dir, manualDir);
    assert.equal(listed.schedule.nextRun, null);
    assert.deepEqual({ ok: listed.last.ok, name: listed.last.name }, { ok: true, name });
    const b = listed.backups[0];
    assert.equal(b.encrypted, false);
    assert.ok(b.manifest.services.some((s: any) => s.name === 'users' && s.head > 0 && s.schema.users > 0), JSON.stringify(b.manifest));

    const { res, bytes } = await download(manual, admin.token, name);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${name}"`);
    assert.equal(res.headers.get('content-length'), String(b.bytes));
    assert.ok(bytes.equals(readFileSync(join(manualDir, name))), 'the download is the file');
    const manifest = await verifyBytes(bytes, name);
    assert.deepEqual(manifest.databases.map((d) => d.service).sort(), ['chat', 'gateway', 'location', 'notifications', 'users']);
  }

  async function refusesOthers(): Promise<void> {
    const member = await signUp(manual, 'Cai');
    const name = (await waitFor('a backup', () => readdirSync(manualDir).find((f) => f.endsWith('.tar.gz')), 30_000))!;
    for (const [method, path] of [['GET', '/v1/admin/backups'], ['POST', '/v1/admin/backups'], ['GET', `/v1/admin/backups/${name}`]] as const) {
      assertProblem(await call(manual, method, path), 401);
      assertProblem(await call(manual, method, path, { token: member.token }), 403, 'users.admin_only');
    }
  }

  async function refusesNames(): Promise<void> {
    const admin = await signIn(manual, 'Ben', ben.email, ben.password);
    const name = (await waitFor('a backup', () => readdirSync(manualDir).find((f) => f.endsWith('.tar.gz')), 30_000))!;
    assert.ok(readdirSync(manualDir).includes(`${name}.json`), 'its record is there to be asked for');
    const refused: [string, number][] = [
      [`..%2f..%2f${name}`, 400],
      [`..%2fdata%2fusers.db`, 400],
      [`%2Fetc%2Fpasswd`, 400],
      [`${name}.json`, 400],
      [`${name}%00`, 400],
      ['hearth-backup-20200101T000000Z.tar.gz', 404],
      ['hearth-backup-20200101T000000Z.tar.gz.failed', 404],
    ];
    for (const [path, status] of refused) {
      const { res, bytes } = await download(manual, admin.token, path);
      assert.equal(res.status, status, `${path}: ${bytes.toString()}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/, path);
    }
    const up = await fetch(`${manual.url}/v1/admin/backups/../../readyz`, { headers: { authorization: `Bearer ${admin.token}` } });
    assert.notEqual(up.headers.get('content-type'), 'application/octet-stream'); // resolved by the URL parser, never a file
  }
});
