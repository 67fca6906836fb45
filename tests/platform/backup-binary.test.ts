/**
 * `hearth backup` and `hearth restore` from the compiled binary (`dist/hearth`): an
 * encrypted archive of a data directory, restored into a new one, and the wrong passphrase
 * refused with nothing written. (The full behaviour, on Node, is backup-restore.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_MIGRATIONS, migrate, openDb } from '../../src/kit/index.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';
import { sql } from '../support/database.ts';
import { useTempDir } from '../support/test-file.ts';

describe('hearth backup and hearth restore from the compiled binary', { skip: binarySkip, timeout: 180_000 }, () => {
  const dir = useTempDir('backup-binary');

  it('writes an encrypted archive and restores it; a wrong passphrase writes nothing', async () => {
    const bin = buildBinary();
    const data = join(dir, 'data');
    mkdirSync(data);
    const db = await openDb({ path: join(data, 'chat.db') });
    await migrate(db, 'kit', KIT_MIGRATIONS);
    await db.write(async (tx) => {
      await tx.execute('CREATE TABLE notes (text TEXT)');
      await tx.execute("INSERT INTO notes VALUES ('kept')");
    });
    db.close();
    writeFileSync(join(dir, 'pass'), 'correct horse battery staple\n');
    writeFileSync(join(dir, 'wrong'), 'not the passphrase\n');
    const archive = join(dir, 'family.tar.gz.age');
    const run = (args: string[]) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });

    const b = run(['backup', '--data', data, '--out', archive, '--passphrase-file', join(dir, 'pass')]);
    assert.equal(b.status, 0, b.stderr + b.stdout);
    assert.ok(existsSync(archive));

    const bad = run(['restore', archive, '--data', join(dir, 'refused'), '--passphrase-file', join(dir, 'wrong')]);
    assert.equal(bad.status, 1, bad.stderr + bad.stdout);
    assert.ok(!existsSync(join(dir, 'refused', 'chat.db')));

    const r = run(['restore', archive, '--data', join(dir, 'restored'), '--passphrase-file', join(dir, 'pass')]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.ok(readdirSync(join(dir, 'restored')).includes('chat.db'));
    assert.deepEqual(await sql(join(dir, 'restored', 'chat.db'), 'SELECT text FROM notes'), [{ text: 'kept' }]);
  });
});
