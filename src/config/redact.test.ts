import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatConfig, isSecretKey, redact, redactUrlSecrets } from './redact.ts';
import { loadConfig } from './load.ts';

describe('redact', () => {
  it('replaces non-empty secrets at any depth and keeps empty ones empty', () => {
    const input = {
      broker: { user: 'me', password: 'hunter2', token: '' },
      services: { users: { db: { auth_token: 'tok', url: 'file:x.db' } } },
      plugin: { client_secret: 's', api_token: 't', list: [{ password: 'p' }] },
    };
    assert.deepEqual(redact(input), {
      broker: { user: 'me', password: '[redacted]', token: '' },
      services: { users: { db: { auth_token: '[redacted]', url: 'file:x.db' } } },
      plugin: { client_secret: '[redacted]', api_token: '[redacted]', list: [{ password: '[redacted]' }] },
    });
    assert.equal(input.broker.password, 'hunter2', 'the input is not modified');
  });

  it('names secret keys by their endings', () => {
    for (const k of ['password', 'token', 'auth_token', 'db_password', 'client_secret']) assert.equal(isSecretKey(k), true, k);
    for (const k of ['user', 'url', 'tokens_max', 'secretary']) assert.equal(isSecretKey(k), false, k);
  });

  it('hides the password and token-like parameters inside URLs', () => {
    assert.equal(redactUrlSecrets('nats://me:hunter2@10.0.0.2:4222'), 'nats://me:[redacted]@10.0.0.2:4222');
    assert.equal(redactUrlSecrets('libsql://db.example.io?authToken=abc&tls=1'), 'libsql://db.example.io?authToken=[redacted]&tls=1');
    assert.equal(redactUrlSecrets('nats://10.0.0.2:4222'), 'nats://10.0.0.2:4222');
    assert.equal(redactUrlSecrets('127.0.0.1:8080'), '127.0.0.1:8080');
  });
});

describe('formatConfig', () => {
  it('prints valid JSON of the effective configuration without its secrets', () => {
    const { config } = loadConfig([], {
      HEARTH_BROKER__URL: 'nats://svc:pw-in-url@10.0.0.2:4222',
      HEARTH_BROKER__PASSWORD: 'hunter2',
      HEARTH_SERVICES__USERS__DB__SYNC_URL: 'libsql://primary.example.io',
      HEARTH_SERVICES__USERS__DB__AUTH_TOKEN: 'eyJ-secret-token',
    }, { cwd: '/srv/hearth' });
    const text = formatConfig(config);
    for (const secret of ['hunter2', 'pw-in-url', 'eyJ-secret-token']) assert.ok(!text.includes(secret), secret);
    const printed = JSON.parse(text);
    assert.equal(printed.broker.password, '[redacted]');
    assert.equal(printed.broker.token, '');
    assert.equal(printed.services.users.db.auth_token, '[redacted]');
    assert.equal(printed.services.users.db.sync_url, 'libsql://primary.example.io');
    assert.equal(printed.data, '/srv/hearth/data');
  });
});
