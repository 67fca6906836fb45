import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envName, INTERNAL_ENV, readEnv } from './env.ts';

describe('readEnv', () => {
  const coerced: [string, string, unknown][] = [
    ['HEARTH_BROKER__HTTP_PORT', '8222', 8222],
    ['HEARTH_BROKER__PORT', '-1', -1],
    ['HEARTH_BROKER__MAX_PAYLOAD', ' 2048 ', 2048],
    ['HEARTH_SERVICES__USERS__DB__SYNC_INTERVAL', '2.5', 2.5],
    ['HEARTH_BROKER__WEBSOCKET__ENABLED', 'true', true],
    ['HEARTH_BROKER__WEBSOCKET__ENABLED', 'FALSE', false],
    ['HEARTH_SERVICES__CHAT__ENABLED', '1', true],
    ['HEARTH_SERVICES__CHAT__ENABLED', '0', false],
    // Text that does not fit stays text, for the schema check to report with its source.
    ['HEARTH_BROKER__PORT', '42a', '42a'],
    ['HEARTH_BROKER__PORT', '', ''],
    ['HEARTH_SERVICES__CHAT__ENABLED', 'yes', 'yes'],
    // Keys that take text keep digits as text.
    ['HEARTH_BROKER__USER', '1234', '1234'],
    ['HEARTH_LOG__LEVEL', 'debug', 'debug'],
  ];
  for (const [name, raw, want] of coerced) {
    it(`gives ${name}=${JSON.stringify(raw)} the key's type: ${JSON.stringify(want)}`, () => {
      const { layer, problems } = readEnv({ [name]: raw });
      assert.deepEqual(problems, []);
      const path = name.slice('HEARTH_'.length).split('__').map((k) => k.toLowerCase());
      let at: unknown = layer.values;
      for (const k of path) at = (at as Record<string, unknown>)[k];
      assert.deepEqual(at, want);
      assert.deepEqual(layer.origin(path), { kind: 'env', name });
    });
  }

  it('ignores the internal variables, other variables and lower-case names', () => {
    const env = { HEARTH_SERVICE: 'users', HEARTH_SUPERVISED: '4242', HEARTH_FROM_SOURCE: '1', PATH: '/bin', hearth_data: '/x' };
    assert.deepEqual(INTERNAL_ENV, ['HEARTH_SERVICE', 'HEARTH_SUPERVISED', 'HEARTH_FROM_SOURCE']);
    assert.deepEqual(readEnv(env).layer.values, {});
  });

  it('keeps service names as they come, lower-cased', () => {
    const { layer } = readEnv({ 'HEARTH_SERVICES__MY-PLUGIN__ENTRY': './p.ts' });
    assert.deepEqual(layer.values, { services: { 'my-plugin': { entry: './p.ts' } } });
    assert.deepEqual(layer.origin(['services', 'my-plugin']), { kind: 'env', name: 'HEARTH_SERVICES__MY-PLUGIN__ENTRY' });
  });

  it('reports a name with an empty key segment', () => {
    const { problems } = readEnv({ HEARTH_LOG____LEVEL: 'debug', HEARTH_: 'x' });
    assert.deepEqual(problems.map((p) => [p.key, p.source, p.problem]), [
      ['HEARTH_', 'env HEARTH_', 'does not name a key'],
      ['HEARTH_LOG____LEVEL', 'env HEARTH_LOG____LEVEL', 'does not name a key'],
    ]);
    assert.match(problems[0]!.allowed, /HEARTH_LOG__LEVEL/);
  });

  it('reports a variable that sets a section another variable sets keys of', () => {
    const { problems } = readEnv({ HEARTH_LOG: 'debug', HEARTH_LOG__LEVEL: 'info' });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.key, 'HEARTH_LOG__LEVEL');
    assert.equal(problems[0]!.problem, 'conflicts with HEARTH_LOG');
  });

  it('redacts a secret in its problem', () => {
    const { problems } = readEnv({ HEARTH_BROKER____PASSWORD: 'hunter2' });
    assert.equal(problems[0]!.value, '[redacted]');
  });
});

describe('envName', () => {
  it('spells a key path as its variable', () => {
    assert.equal(envName(['log', 'level']), 'HEARTH_LOG__LEVEL');
    assert.equal(envName(['services', 'users', 'db', 'sync_url']), 'HEARTH_SERVICES__USERS__DB__SYNC_URL');
  });
});
