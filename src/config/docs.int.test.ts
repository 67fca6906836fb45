import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { envName } from './env.ts';
import { FLAGS, flagLabel } from './flags.ts';
import { loadConfig } from './index.ts';
import { isMap } from './merge.ts';

const docs = readFileSync(resolve(import.meta.dirname, '../../docs/configuration.md'), 'utf8');

/** Every leaf of `value` as [path, value]. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (isMap(value) && Object.keys(value).length > 0) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return path.length > 0 ? [[path, value]] : [];
}

describe('docs/configuration.md', () => {
  // A service and an OpenID provider listed (each with one key at its default) so that their keys (and defaults) are among the leaves.
  const { config } = loadConfig([], { HEARTH_SERVICES__USERS__ENABLED: 'true', HEARTH_OIDC__PROVIDERS__HOME__SCOPES: 'openid email profile' }, { cwd: '/' });
  const rows = leaves({ ...config, data: './data' }).map(([path, value]) => {
    const generic = path[0] === 'services' ? ['services', '<name>', ...path.slice(2)]
      : path[0] === 'oidc' && path[1] === 'providers' ? ['oidc', 'providers', '<name>', ...path.slice(3)]
      : path;
    return { key: generic.join('.'), value, env: envName(generic) };
  });

  it('documents every key with its default and its variable', () => {
    assert.ok(rows.length > 30);
    for (const row of rows) {
      const line = docs.split('\n').find((l) => l.startsWith(`| \`${row.key}\` |`));
      assert.ok(line, `no row for ${row.key}`);
      assert.ok(line.includes(`| \`${JSON.stringify(row.value)}\` |`), `${row.key}: default ${JSON.stringify(row.value)} not in\n${line}`);
      assert.ok(line.includes(`\`${row.env}\``), `${row.key}: ${row.env} not in\n${line}`);
    }
  });

  it('shows an example file that loads', () => {
    const start = docs.indexOf('```\n', docs.indexOf('A commented example')) + 4;
    const dir = mkdtempSync(join(tmpdir(), 'hearth-docs-'));
    try {
      writeFileSync(join(dir, 'example.conf'), docs.slice(start, docs.indexOf('```', start)));
      const loaded = loadConfig(['--config', 'example.conf'], { NATS_PASSWORD: 'pw', USERS_DB_TOKEN: 'tok' }, { cwd: dir });
      assert.equal(loaded.config.services.users?.db.sync_interval, 60);
      assert.equal(loaded.config.broker.password, 'pw');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every flag', () => {
    for (const f of FLAGS) assert.ok(docs.includes(`| \`${flagLabel(f)}\` |`), f.flag);
  });
});
