/**
 * The example configuration shipped in config/ is valid for our broker and, where it is
 * installed, for nats-server too (the file's promise: it works with either).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const file = resolve(root, 'config/broker.conf');
const hasNatsServer = spawnSync('sh', ['-c', 'command -v nats-server']).status === 0;

describe('config/broker.conf', () => {
  it('passes `hearth broker -t`', () => {
    const r = spawnSync(process.execPath, [resolve(root, 'bin/hearth.js'), 'broker', '-t', '-c', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /test is successful/);
  });

  it('passes `nats-server -t`', { skip: hasNatsServer ? undefined : 'nats-server is not installed' }, () => {
    const r = spawnSync('nats-server', ['-t', '-c', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
