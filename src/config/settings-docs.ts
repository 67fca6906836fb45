/**
 * What is generated from the declarations (schema.ts `CONFIG`): config/defaults.json and
 * the table of keys in docs/configuration.md. `npm run docs:config` writes both;
 * settings-docs.test.ts fails when either is out of date, so the declaration stays the
 * one place a key, its default or its range is written.
 */
import { settings } from '../contracts/index.ts';
import { envName } from './env.ts';
import { FLAGS, flagLabel } from './flags.ts';
import { CONFIG } from './schema.ts';

/** Where the generated table starts and ends in docs/configuration.md. */
export const TABLE_START = '<!-- keys: generated from the declarations by `npm run docs:config`; edit those, not this table -->';
export const TABLE_END = '<!-- /keys -->';

/** config/defaults.json as it should read. */
export function defaultsJson(): string {
  return `${JSON.stringify(settings.defaultsOf(CONFIG), null, 2)}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The table of every key: its default, what it allows, its variable and flag, and what it is for. */
export function keysTable(): string {
  const rows = settings.rowsOf(CONFIG).map(({ path, setting, allowed }) => {
    const flag = FLAGS.find((f) => f.path.join('.') === path.join('.'));
    const cells = [`\`${path.join('.')}\``, `\`${JSON.stringify(setting.default)}\``, allowed, `\`${envName(path)}\``, flag ? `\`${flagLabel(flag)}\`` : '', setting.doc];
    return `|${cells.map((c) => (c ? ` ${cell(c)} ` : ' ')).join('|')}|`;
  });
  return ['| key | default | allowed | environment | flag | what |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** `doc` (docs/configuration.md) with its table of keys regenerated; throws if it has no markers. */
export function withKeysTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/configuration.md needs the markers ${TABLE_START} and ${TABLE_END}`);
  return `${doc.slice(0, start + TABLE_START.length)}\n${keysTable()}\n${doc.slice(end)}`;
}
