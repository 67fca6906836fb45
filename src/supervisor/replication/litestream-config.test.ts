import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { litestreamEnv, litestreamYaml, replicaName, replicaTarget, ReplicationError } from './litestream-config.ts';
import { replicatedDbs } from './replicator.ts';

const { replication } = loadConfig([], {}, { cwd: '/' }).config;

describe('replicaTarget', () => {
  it('reads a folder from a file: URL, percent-escapes decoded', () => {
    assert.deepEqual(replicaTarget('file:///mnt/my%20nas/hearth/'), { kind: 'file', dir: '/mnt/my nas/hearth' });
  });
  it('reads a bucket and a prefix from an s3: URL', () => {
    assert.deepEqual(replicaTarget('s3://family/homes/ours/'), { kind: 's3', bucket: 'family', prefix: 'homes/ours' });
    assert.deepEqual(replicaTarget('s3://family'), { kind: 's3', bucket: 'family', prefix: '' });
  });
  it('refuses what is not a usable replica URL, saying what would be', () => {
    for (const [url, says] of [
      ['/mnt/nas', /is not a URL/],
      ['file://nas/hearth', /names a host/],
      ['https://example.com/x', /neither file: nor s3:/],
    ] as const) {
      assert.throws(() => replicaTarget(url), (e: Error) => e instanceof ReplicationError && says.test(e.message), url);
    }
  });
  it('names each service\'s replica under the target', () => {
    assert.equal(replicaName(replicaTarget('s3://b/p'), 'chat'), 's3://b/p/chat');
    assert.equal(replicaName(replicaTarget('s3://b'), 'chat'), 's3://b/chat');
    assert.equal(replicaName(replicaTarget('file:///r'), 'chat'), '/r/chat');
  });
});

describe('litestreamYaml', () => {
  it('writes every scalar as a quoted string, so a path cannot break out of its line', () => {
    const path = '/srv/it\'s "ours"\n$HOME/chat.db';
    const yaml = litestreamYaml({ replication, url: 'file:///r', dbs: [{ service: 'chat', path }], addr: '127.0.0.1:9' });
    assert.ok(yaml.includes(`  - path: ${JSON.stringify(path)}\n`));
    assert.ok(yaml.includes('addr: "127.0.0.1:9"\n'));
    assert.equal(yaml.split('\n').filter((l) => l.includes('$HOME')).length, 1);
  });
  it('gives each database its own replica under the URL, with the intervals in milliseconds', () => {
    const yaml = litestreamYaml({ replication: { ...replication, sync_interval_ms: 250 }, url: 's3://b/p', dbs: [{ service: 'users', path: '/d/users.db' }] });
    assert.match(yaml, /- type: "s3"\n {8}bucket: "b"\n {8}path: "p\/users"\n/);
    assert.match(yaml, /sync-interval: "250ms"/);
    assert.match(yaml, /monitor-interval: "250ms"/);
    assert.match(yaml, /snapshot-interval: "86400000ms"/);
    assert.match(yaml, /retention: "259200000ms"/);
    assert.doesNotMatch(yaml, /endpoint|force-path-style|region|skip-verify/, 'only what is set');
  });
  it('writes the S3 endpoint settings but never the credentials', () => {
    const s3 = { ...replication.s3, endpoint: 'http://nas:9000', region: 'home', force_path_style: true, skip_verify: true, access_key_id: 'AKID', secret_access_key: 'sekrit' };
    const yaml = litestreamYaml({ replication: { ...replication, s3 }, url: 's3://b', dbs: [{ service: 'users', path: '/d/users.db' }] });
    assert.match(yaml, /endpoint: "http:\/\/nas:9000"\n {8}region: "home"\n {8}force-path-style: true\n {8}skip-verify: true\n/);
    assert.ok(!yaml.includes('AKID') && !yaml.includes('sekrit'));
  });
});

describe('litestreamEnv', () => {
  it('passes on the system\'s variables and S3 credentials, none of Hearth\'s own', () => {
    const env = litestreamEnv({ PATH: '/bin', HOME: '/h', HEARTH_BACKUP__PASSPHRASE: 'p', HEARTH_BROKER__PASSWORD: 'q', AWS_REGION: 'eu', https_proxy: 'http://proxy', OTHER: 'x' }, replication);
    assert.deepEqual(env, { PATH: '/bin', HOME: '/h', AWS_REGION: 'eu', https_proxy: 'http://proxy' });
  });
  it('sets the configured credentials under both names, over any inherited AWS ones', () => {
    const env = litestreamEnv({ AWS_ACCESS_KEY_ID: 'old', AWS_SECRET_ACCESS_KEY: 'old' }, { ...replication, s3: { ...replication.s3, access_key_id: 'AKID', secret_access_key: 'sekrit' } });
    assert.deepEqual(env, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'sekrit', LITESTREAM_ACCESS_KEY_ID: 'AKID', LITESTREAM_SECRET_ACCESS_KEY: 'sekrit' });
  });
});

describe('replicatedDbs', () => {
  it('replicates every local service database, and leaves remote ones and embedded replicas to libSQL', () => {
    const { config } = loadConfig(['--data', '/srv/hearth'], {
      HEARTH_SERVICES__CHAT__DB__URL: 'libsql://chat.example.com',
      HEARTH_SERVICES__USERS__DB__SYNC_URL: 'libsql://users.example.com',
    }, { cwd: '/' });
    assert.deepEqual(replicatedDbs(config, ['users', 'location', 'chat', 'gateway']), [
      { service: 'location', path: '/srv/hearth/location.db' },
      { service: 'gateway', path: '/srv/hearth/gateway.db' },
    ]);
  });
});
