import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadBrokerOptions } from '../../embedded-broker/index.ts';
import { loadConfig } from '../config/index.ts';
import { servicePermissions, SUPERVISOR_PERMISSIONS } from './credentials.ts';
import { natsAuthorization, passwordVariable } from './nats-authorization.ts';

const BUILTINS = ['users', 'location', 'chat', 'notifications', 'gateway'];
const config = (env: Record<string, string> = {}) => loadConfig([], env, { cwd: '/srv/hearth' }).config;

/** The users a broker reads from `block`, each password given as its variable's name. */
function usersOf(block: string) {
  const dir = mkdtempSync(join(tmpdir(), 'nats-auth-'));
  try {
    writeFileSync(join(dir, 'n.conf'), block);
    const env = Object.fromEntries([...block.matchAll(/\$(HEARTH_\w+_NATS_PASSWORD)\b/g)].map(([, v]) => [v!, v!]));
    return loadBrokerOptions(['-c', join(dir, 'n.conf')], env).options.authorization!.users!;
  } finally {
    rmSync(dir, { recursive: true });
  }
}

describe('hearth nats-authorization', () => {
  it('gives each process its own user with exactly the permissions the embedded broker gives it', () => {
    const users = usersOf(natsAuthorization(config(), BUILTINS));
    const expected = [...BUILTINS.map((s) => [`hearth-${s}`, s, servicePermissions(s)] as const), ['hearth-supervisor', 'supervisor', SUPERVISOR_PERMISSIONS] as const];
    assert.deepEqual(users.map((u) => u.user), expected.map(([user]) => user));
    for (const [user, process, permissions] of expected) {
      const u = users.find((x) => x.user === user)!;
      assert.equal(u.password, passwordVariable(process), 'the password is read from nats-server\'s environment');
      assert.deepEqual(u.permissions?.publish, permissions.publish, `${user} publish`);
      assert.deepEqual(u.permissions?.subscribe, permissions.subscribe, `${user} subscribe`);
      assert.equal(u.permissions?.allowResponses?.maxMsgs, 1, `${user} answers each request once`);
    }
  });

  it('leaves out disabled services, adds plug-ins, and uses a configured user name', () => {
    const c = config({ HEARTH_SERVICES__CHAT__ENABLED: 'false', HEARTH_SERVICES__LOCATION__BROKER_USER: 'loc' });
    c.services.photos = { ...c.services.location!, entry: '/srv/photos.js', broker_user: '' };
    const names = usersOf(natsAuthorization(c, BUILTINS)).map((u) => u.user);
    assert.deepEqual(names, ['hearth-users', 'loc', 'hearth-notifications', 'hearth-gateway', 'hearth-photos', 'hearth-supervisor']);
    assert.equal(passwordVariable('my-plugin'), 'HEARTH_MY_PLUGIN_NATS_PASSWORD');
  });
});
