import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.ts';
import { planServices } from './plan.ts';
import { banner } from './banner.ts';
import { childEnv } from './wiring.ts';

const config = (env: Record<string, string> = {}) => loadConfig([], env, { cwd: '/srv/hearth' }).config;

describe('planServices', () => {
  it('runs every built-in service unless configuration disables it', () => {
    const plan = planServices(config({ HEARTH_SERVICES__CHAT__ENABLED: 'false' }), ['users', 'chat']);
    assert.deepEqual(plan.services, ['users']);
  });

  it('adds plug-in services with an entry, and one child per instance', () => {
    const c = config({ HEARTH_SERVICES__LEDGER__ENTRY: '/x/ledger.ts', HEARTH_SERVICES__USERS__INSTANCES: '2' });
    const plan = planServices(c, ['users']);
    assert.deepEqual(plan.services, ['users', 'ledger']);
    assert.deepEqual(plan.children.map((c) => c.id), ['users', 'users#2', 'ledger']);
  });

  it('runs nothing when the build has no services and none are configured', () => {
    assert.deepEqual(planServices(config(), []), { services: [], children: [] });
  });
});

describe('banner', () => {
  it('shows the URL, the data directory, and how to stop', () => {
    const text = banner({ url: 'http://127.0.0.1:8080', data: '/srv/hearth/data', broker: 'nats://127.0.0.1:4222', services: [] });
    assert.match(text, /open\s+http:\/\/127\.0\.0\.1:8080/);
    assert.match(text, /data\s+\/srv\/hearth\/data/);
    assert.match(text, /stop\s+Ctrl\+C/);
    assert.match(text, /services\s+none yet/);
    assert.doesNotMatch(text, /First run/);
  });

  it('points a fresh instance to creating the admin account', () => {
    const text = banner({ url: 'http://127.0.0.1:8080', data: '/d', broker: 'nats://x', services: ['users'], firstRun: true });
    assert.match(text, /First run: open http:\/\/127\.0\.0\.1:8080 in a browser/);
    assert.match(text, /curl -X POST http:\/\/127\.0\.0\.1:8080\/v1\/auth\/register/);
  });

  it('shows an external broker\'s servers without the credentials in their URLs', () => {
    const text = banner({ url: 'http://h:8080', data: '/d', broker: 'nats://hearth:s3cret@a:4222,tls://tok3n@b:4222', services: [] });
    assert.match(text, /broker\s+nats:\/\/a:4222,tls:\/\/b:4222\n/);
    assert.doesNotMatch(text, /s3cret|tok3n/);
  });

  it('does not say ready while a service is not, and says why', () => {
    const text = banner({ url: 'http://h:8080', data: '/d', broker: 'nats://x', services: ['chat', 'users'], notReady: { chat: '/d/chat.db is damaged: restore it from a backup' } });
    assert.doesNotMatch(text, /Hearth is ready/);
    assert.match(text, /not every service is ready:\n\s+chat: \/d\/chat\.db is damaged: restore it from a backup\n/);
    assert.match(text, /http:\/\/h:8080\/readyz/);
  });
});

describe('childEnv', () => {
  it('hands a child its credential and addresses in the environment, overriding inherited ones', () => {
    const env = childEnv({ PATH: '/bin', HEARTH_BROKER__PASSWORD: 'old' }, config(), {
      brokerUrl: 'nats://127.0.0.1:4222',
      credential: { user: 'hearth-chat', password: 'pw' },
      instance: 'chat',
    });
    assert.equal(env.PATH, '/bin');
    assert.equal(env.HEARTH_BROKER__PASSWORD, 'pw');
    assert.equal(env.HEARTH_BROKER__URL, 'nats://127.0.0.1:4222');
    assert.equal(env.HEARTH_DATA, '/srv/hearth/data');
    assert.equal(env.HEARTH_SERVICE, 'chat');
    assert.equal(env.HEARTH_SUPERVISED, String(process.pid));
  });
});
