/**
 * Writes what is generated from the settings declarations: config/defaults.json and the
 * table of keys in docs/configuration.md (`npm run docs:config`). Run it after adding or
 * changing a setting; src/config/settings-docs.test.ts fails until you do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultsJson, withKeysTable } from '../src/config/index.ts';

const root = resolve(import.meta.dirname, '..');
const docs = resolve(root, 'docs/configuration.md');
writeFileSync(resolve(root, 'config/defaults.json'), defaultsJson());
writeFileSync(docs, withKeysTable(readFileSync(docs, 'utf8')));
process.stdout.write('wrote config/defaults.json and the keys of docs/configuration.md\n');
