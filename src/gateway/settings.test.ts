import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS } from '../../config/index.ts';
import { readSettings } from './settings.ts';

describe('gateway settings', () => {
  it('takes the defaults of config/defaults.json when nothing is set', () => {
    const s = readSettings(undefined);
    assert.deepEqual(s, readSettings(DEFAULTS));
    assert.deepEqual([s.host, s.port, s.publicUrl, s.maxBodyBytes, s.accessTokenTtlS, s.tileUrl], [
      '127.0.0.1', 8080, 'http://127.0.0.1:8080', 1_048_576, 900, 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    ]);
  });

  it('reads its keys out of the sections it shares: http, public_url, users, web', () => {
    const s = readSettings({ http: '[::1]:0', public_url: 'https://h.example/', users: { registration: 'open', access_token_ttl_s: 60 }, gateway: { cors_origins: 'a, *' } });
    assert.deepEqual([s.host, s.port, s.publicUrl, s.accessTokenTtlS, s.corsOrigins], ['::1', 0, 'https://h.example', 60, '*']);
  });

  it('turns https.domain into ACME settings, kept under <data>/https; without it, no ACME', () => {
    const s = readSettings({ data: '/var/lib/hearth', https: { address: '0.0.0.0:443', domain: 'Hearth.Example.home', acme_email: 'a@b.c' } });
    assert.deepEqual(s.https?.acme, { domain: 'hearth.example.home', email: 'a@b.c', directory: 'https://acme-v02.api.letsencrypt.org/directory', caFile: '', checkEveryS: 3600, dir: '/var/lib/hearth/https' });
    assert.equal(readSettings({ https: { address: '0.0.0.0:443', cert_file: 'c', key_file: 'k' } }).https?.acme, undefined);
  });

  it('refuses values the configuration refuses', () => {
    assert.throws(() => readSettings({ https: { address: '0.0.0.0:443', domain: 'not a name' } }), { code: 'gateway.bad_settings' });
    assert.throws(() => readSettings({ https: { address: '0.0.0.0:443', domain: 'h.example', acme_directory: 'http://plain.example/dir' } }), { code: 'gateway.bad_settings' });
    assert.throws(() => readSettings({ gateway: { stream_buffer: 15 } }), { code: 'gateway.bad_settings' });
    assert.throws(() => readSettings({ gateway: { max_body_bytes: 2048.5 } }), { code: 'gateway.bad_settings' });
    assert.throws(() => readSettings({ http: 'nowhere' }), { code: 'gateway.bad_settings' });
  });
});
