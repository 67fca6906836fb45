/**
 * The passphrase typed on a terminal: `hearth backup --encrypt` asks twice without echo,
 * and `hearth restore` asks for an encrypted archive's passphrase. Run under `script`, which
 * gives the command a pseudo-terminal (skipped where util-linux's `script` is missing).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_MIGRATIONS, migrate, openDb } from '../../src/kit/index.ts';
import { hearthCommand } from '../support/hearth-process.ts';
import { useTempDir } from '../support/test-file.ts';

const noScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'util-linux script is not installed';
  }
})();

/** Runs `hearth <args>` on a pseudo-terminal, typing `lines` when it asks; resolves with the code and what the terminal showed. */
function onTerminal(args: string[], lines: string[], cwd: string): Promise<{ code: number | null; screen: string }> {
  const command = hearthCommand('node', args).map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const p = spawn('script', ['-qec', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = 0;
  p.stdout.on('data', (b: Buffer) => {
    screen += b.toString();
    // Type the next line once the command has asked for it (a prompt ends with ": ").
    const asked = (screen.match(/passphrase[^:\n]*: /gi) ?? []).length;
    if (asked > typed && typed < lines.length) p.stdin.write(`${lines[typed++]}\r`);
  });
  p.stderr.on('data', (b: Buffer) => (screen += b.toString()));
  return new Promise((resolve) => p.on('exit', (code) => resolve({ code, screen })));
}

describe('the passphrase asked on a terminal', { skip: noScript, timeout: 90_000 }, () => {
  const dir = useTempDir('backup-prompt');

  it('encrypts with a passphrase typed twice, never shown, and restores with it typed again', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    const db = await openDb({ path: join(data, 'users.db') });
    await migrate(db, 'kit', KIT_MIGRATIONS);
    db.close();
    const secret = 'typed on the keyboard';
    const archive = join(dir, 'typed.tar.gz.age');
    const b = await onTerminal(['backup', '--encrypt', '--data', data, '--out', archive], [secret, secret], dir);
    assert.equal(b.code, 0, b.screen);
    assert.match(b.screen, /Passphrase for the backup: [\s\S]*The same passphrase again: /);
    assert.match(b.screen, /backup written: .*typed\.tar\.gz\.age .*encrypted/);
    assert.ok(!b.screen.includes(secret), `the passphrase is not echoed: ${b.screen}`);

    const into = join(dir, 'restored');
    const r = await onTerminal(['restore', archive, '--data', into], [secret], dir);
    assert.equal(r.code, 0, r.screen);
    assert.match(r.screen, /Passphrase for typed\.tar\.gz\.age: /);
    assert.ok(!r.screen.includes(secret));
    assert.ok(readdirSync(into).includes('users.db'));
  });

  it('refuses two passphrases that differ', async () => {
    const b = await onTerminal(['backup', '--encrypt', '--data', join(dir, 'data'), '--out', join(dir, 'never.tar.gz.age')], ['one thing', 'another'], dir);
    assert.equal(b.code, 2, b.screen);
    assert.match(b.screen, /the two passphrases differ/);
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('never')));
  });
});
