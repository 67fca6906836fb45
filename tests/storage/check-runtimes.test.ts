/**
 * `hearth check` on Node, Bun and Deno (each runtime's libSQL binding hands blobs over its
 * own way): a data directory with one sound file, one file with damaged text and services
 * whose files do not exist yet gives one line per file and exit 1; without the damaged
 * file, exit 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from '@libsql/client';
import { runtimeSkip, spawnHearth, type HearthRuntime } from '../support/hearth-process.ts';
import { checkpoint, damageText } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-check-rt-'));
const MARKER = 'a-message-about-the-bakery';

async function makeDb(file: string): Promise<void> {
  const c = createClient({ url: `file:${file}` });
  await c.execute('PRAGMA journal_mode = WAL');
  await c.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  for (let i = 0; i < 50; i++) await c.execute({ sql: 'INSERT INTO notes (body) VALUES (?)', args: [i === 25 ? `${MARKER} ✓` : `note ${i} ✓`] });
  c.close();
  await checkpoint(file);
}

describe('hearth check on every runtime', { timeout: 180_000 }, () => {
  before(async () => {
    await makeDb(join(dir, 'users.db'));
    await makeDb(join(dir, 'chat.db'));
    damageText(join(dir, 'chat.db'), MARKER);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const rt of ['node', 'bun', 'deno'] as HearthRuntime[]) {
    it(`${rt}: names the damaged file and exits 1`, { skip: runtimeSkip(rt) }, async () => {
      const p = spawnHearth(rt, ['check', '--data', dir]);
      const code = await p.exited;
      const out = p.output();
      assert.equal(code, 1, out);
      assert.match(out, new RegExp(`^ok\\s+users\\s+${join(dir, 'users.db')}`, 'm'));
      assert.match(out, new RegExp(`^DAMAGED\\s+chat\\s+${join(dir, 'chat.db')}\\n\\s+table notes, rowid 26, column body: text is not UTF-8`, 'm'));
      assert.match(out, /^missing\s+location\s/m);
      assert.match(out, /^1 damaged database$/m);
    });
  }

  it('exits 0 when every file is sound', async () => {
    rmSync(join(dir, 'chat.db'));
    const p = spawnHearth('node', ['check', '--data', dir]);
    assert.equal(await p.exited, 0, p.output());
    assert.match(p.output(), /every database is sound/);
  });
});
