import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSettings } from './settings.ts';

describe('users settings', () => {
  it('takes the defaults of config/defaults.json when nothing is set', () => {
    assert.deepEqual(readSettings(undefined), {
      issuer: 'http://127.0.0.1:8080', registration: 'invite-only', accessTtlS: 900, refreshTtlMs: 30 * 86_400_000, deletionGraceMs: 0,
      exportLinkMs: 24 * 3_600_000, exportPageRows: 500, exportsDir: join('data', 'exports'), linkByEmail: false,
    });
  });

  it('derives the issuer from the http address when public_url is empty, and drops a trailing slash otherwise', () => {
    assert.equal(readSettings({ public_url: '', http: '0.0.0.0:80' }).issuer, 'http://0.0.0.0:80');
    assert.equal(readSettings({ public_url: 'https://hearth.example.home/', http: '0.0.0.0:80' }).issuer, 'https://hearth.example.home');
  });

  it('reads the users section, ignoring keys it does not use', () => {
    const s = readSettings({ gateway: { x: 1 }, users: { registration: 'closed', access_token_ttl_s: 60, refresh_token_ttl_days: 1 } });
    assert.deepEqual([s.registration, s.accessTtlS, s.refreshTtlMs], ['closed', 60, 86_400_000]);
  });

  it('keeps exports in <data>/exports, for how long export_link_hours says', () => {
    const s = readSettings({ data: '/srv/hearth', users: { export_link_hours: 2, export_page_rows: 50 } });
    assert.deepEqual([s.exportsDir, s.exportLinkMs, s.exportPageRows], ['/srv/hearth/exports', 7_200_000, 50]);
    assert.throws(() => readSettings({ users: { export_link_hours: 0 } }), { code: 'users.bad_settings' });
    assert.throws(() => readSettings({ users: { export_page_rows: 5 } }), { code: 'users.bad_settings' });
  });

  it('gives a deleted account the grace deletion_grace_s says before its erasure begins', () => {
    assert.equal(readSettings({ users: { deletion_grace_s: 3600 } }).deletionGraceMs, 3_600_000);
    assert.throws(() => readSettings({ users: { deletion_grace_s: -1 } }), { code: 'users.bad_settings' });
  });

  it('refuses values the configuration schema would refuse', () => {
    assert.throws(() => readSettings({ users: { registration: 'maybe' } }), { code: 'users.bad_settings' });
    assert.throws(() => readSettings({ users: { access_token_ttl_s: 5 } }), { code: 'users.bad_settings' });
  });
});
