/**
 * The database check on real libSQL files: a sound file passes; bytes in a row's text
 * that are not UTF-8 (invisible to quick_check, fatal to a libSQL reader) are found by the
 * scan; a damaged page is found by quick_check; the scan stops at its time budget.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from '@libsql/client';
import { checkDatabase } from './check.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-check-'));
const MARKER = 'marker-text-for-the-check';

async function makeDb(name: string): Promise<string> {
  const file = join(dir, name);
  const c = createClient({ url: `file:${file}` });
  await c.execute('PRAGMA journal_mode = WAL');
  await c.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT, body TEXT)');
  await c.execute('CREATE TABLE tags (name TEXT PRIMARY KEY, note INTEGER) WITHOUT ROWID');
  for (let i = 0; i < 300; i++) {
    await c.execute({ sql: 'INSERT INTO notes (who, body) VALUES (?, ?)', args: [i % 2 ? 'Zoë' : 'Ann', i === 150 ? `— ${MARKER} é` : `note ${i} ${'·'.repeat(i % 40)}`] });
    await c.execute({ sql: 'INSERT INTO tags VALUES (?, ?)', args: [`tag-${i}-ü`, i] });
  }
  await c.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  c.close();
  return file;
}

function overwrite(file: string, at: number, bytes: number[]): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from(bytes), 0, bytes.length, at);
  closeSync(fd);
}

describe('checkDatabase', () => {
  const open: Client[] = [];
  const client = (file: string) => {
    const c = createClient({ url: `file:${file}`, intMode: 'number' });
    open.push(c);
    return c;
  };
  let good: string;
  before(async () => {
    good = await makeDb('good.db');
  });
  after(() => {
    for (const c of open) c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a sound file, quick and full', async () => {
    for (const full of [false, true]) {
      const r = await checkDatabase(client(good), { full });
      assert.deepEqual([r.ok, r.problems, r.complete], [true, [], true]);
    }
  });

  it('finds text that is not UTF-8, which quick_check does not see', async () => {
    const file = await makeDb('text.db');
    const at = readFileSync(file).indexOf(Buffer.from(MARKER));
    overwrite(file, at + 5, [0xff, 0xfe]);
    const c = client(file);
    assert.equal((await c.execute('PRAGMA quick_check')).rows[0]![0], 'ok', 'SQLite sees nothing wrong');
    const r = await checkDatabase(c);
    assert.equal(r.ok, false);
    assert.deepEqual(r.problems, ['table notes, rowid 151, column body: text is not UTF-8 (damaged bytes)']);
  });

  it('finds text that is not UTF-8 in an index entry (the table row is sound)', async () => {
    const file = await makeDb('index.db');
    const c0 = createClient({ url: `file:${file}` });
    await c0.execute('CREATE INDEX notes_body ON notes (body)');
    await c0.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    c0.close();
    // Of the marker's two copies, damage the one on an index leaf page (page type 0x0a).
    const bytes = readFileSync(file);
    const copies = [0, 1].reduce<number[]>((at) => [...at, bytes.indexOf(Buffer.from(MARKER), (at.at(-1) ?? -1) + 1)], []);
    const inIndex = copies.find((at) => bytes[at - (at % 4096)] === 0x0a);
    assert.ok(inIndex !== undefined, 'a copy of the marker is in the index');
    overwrite(file, inIndex + 5, [0xff, 0xfe]);
    const c = client(file);
    assert.equal((await c.execute('PRAGMA quick_check')).rows[0]![0], 'ok', 'SQLite sees nothing wrong');
    const r = await checkDatabase(c);
    assert.deepEqual(r.problems, ['index notes_body of table notes, column body: text is not UTF-8 (damaged bytes)']);
    const full = await checkDatabase(c, { full: true });
    assert.equal(full.ok, false);
  });

  it('finds a damaged page with quick_check', async () => {
    const file = await makeDb('page.db');
    const at = readFileSync(file).indexOf(Buffer.from(MARKER));
    overwrite(file, at - (at % 4096), [0x07, 0x99, 0x13, 0x42, 0x00, 0xff, 0xee, 0x01]);
    const r = await checkDatabase(client(file));
    assert.equal(r.ok, false);
    assert.ok(r.problems.length >= 1, 'at least one finding');
    assert.ok(r.problems.some((p) => /page|Tree|malformed/i.test(p)), r.problems.join('\n'));
  });

  it('reports a file that is not a database at all', async () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, 'this is not a database, just bytes '.repeat(200));
    const r = await checkDatabase(client(file));
    assert.equal(r.ok, false);
    assert.match(r.problems[0]!, /SQLite: .*(not a database|malformed)/i);
  });

  it('stops the text scan at its time budget and says so', async () => {
    const r = await checkDatabase(client(good), { budgetMs: -1 });
    assert.deepEqual([r.ok, r.complete], [true, false]);
  });
});
