import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { settings } from '../contracts/index.ts';
import { CONFIG } from './schema.ts';
import { defaultsJson, keysTable, TABLE_END, TABLE_START } from './settings-docs.ts';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');
const FIX = 'run `npm run docs:config` after changing a declaration';

describe('generated from the settings declarations', () => {
  it('config/defaults.json holds every declared default, and nothing else', () => {
    assert.equal(read('config/defaults.json'), defaultsJson(), FIX);
  });

  it('docs/configuration.md lists every declared key with its default and range, and no other', () => {
    const doc = read('docs/configuration.md');
    const table = doc.slice(doc.indexOf(TABLE_START) + TABLE_START.length, doc.indexOf(TABLE_END)).trim();
    assert.equal(table, keysTable(), FIX);
    // A hand-written row elsewhere naming a key would not be checked: there is none.
    const outside = doc.replace(table, '').split('\n').filter((l) => {
      const key = /^\| `([a-z_]+)[.`]/.exec(l)?.[1];
      return key !== undefined && Object.hasOwn(CONFIG.entries, key);
    });
    assert.deepEqual(outside, []);
  });

  it('gives every key a line of docs and its allowed values in words', () => {
    for (const row of settings.rowsOf(CONFIG)) {
      assert.ok(row.setting.doc.length > 5, row.path.join('.'));
      assert.ok(row.allowed.length > 5 && !row.allowed.startsWith('Invalid'), row.path.join('.'));
    }
  });
});
