import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFlags } from './flags.ts';

describe('readFlags', () => {
  it('reads every flag in both forms and sets its key', () => {
    const spaced = readFlags(['--config', 'h.conf', '--data', 'd', '--http', '0.0.0.0:80', '--broker', 'nats://b:4222', '--log-level', 'debug']);
    const joined = readFlags(['--config=h.conf', '--data=d', '--http=0.0.0.0:80', '--broker=nats://b:4222', '--log-level=debug']);
    for (const flags of [spaced, joined]) {
      assert.deepEqual(flags.problems, []);
      assert.equal(flags.configFile, 'h.conf');
      assert.deepEqual(flags.layer.values, { data: 'd', http: '0.0.0.0:80', broker: { url: 'nats://b:4222' }, log: { level: 'debug' } });
    }
    assert.deepEqual(spaced.layer.origin(['broker', 'url']), { kind: 'flag', name: '--broker' });
    assert.deepEqual(spaced.layer.origin(['log']), { kind: 'flag', name: '--log-level' });
  });

  it('hands back positional arguments in order, and everything after --', () => {
    const flags = readFlags(['service', '--data', 'd', 'users', '-', '--', '--http', 'x']);
    assert.deepEqual(flags.rest, ['service', 'users', '-', '--http', 'x']);
    assert.deepEqual(flags.layer.values, { data: 'd' });
  });

  it('reads --one-process as a switch that takes no value after a space', () => {
    const flags = readFlags(['serve', '--one-process', 'users']);
    assert.deepEqual(flags.problems, []);
    assert.deepEqual(flags.layer.values, { supervisor: { one_process: true } });
    assert.deepEqual(flags.rest, ['serve', 'users']);
    assert.deepEqual(flags.layer.origin(['supervisor', 'one_process']), { kind: 'flag', name: '--one-process' });
    assert.deepEqual(readFlags(['--one-process=false']).layer.values, { supervisor: { one_process: false } });
  });

  it('refuses --one-process with a value other than true or false', () => {
    const { problems } = readFlags(['--one-process=yes']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.key, 'supervisor.one_process');
    assert.equal(problems[0]!.problem, 'not true or false');
  });

  it('keeps a value containing "=" whole', () => {
    assert.deepEqual(readFlags(['--broker=nats://u:p=q@h:4222']).layer.values, { broker: { url: 'nats://u:p=q@h:4222' } });
  });

  it('lets the last of a repeated flag win', () => {
    assert.deepEqual(readFlags(['--data', 'a', '--data', 'b']).layer.values, { data: 'b' });
  });

  const unknown: [string[], string, string][] = [
    [['--dat', 'x'], '--dat', 'unknown flag (did you mean --data?)'],
    [['--log_level=debug'], '--log_level', 'unknown flag (did you mean --log-level?)'],
    [['-c', 'x'], '-c', 'unknown flag'],
    [['--verbose'], '--verbose', 'unknown flag'],
  ];
  for (const [argv, key, problem] of unknown) {
    it(`refuses ${argv[0]}, listing the known flags`, () => {
      const { problems } = readFlags(argv);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.key, key);
      assert.equal(problems[0]!.problem, problem);
      assert.equal(problems[0]!.allowed, '--config FILE, --data DIR, --http HOST:PORT, --broker URL, --log-level LEVEL, --one-process');
    });
  }

  it('refuses a flag without its value', () => {
    for (const argv of [['--data'], ['--data', '--http', 'x:1'], ['--config=']]) {
      const { problems } = readFlags(argv);
      assert.equal(problems[0]?.problem, 'missing value', argv.join(' '));
      assert.match(problems[0]!.allowed, /^--(data DIR|config FILE) or --(data|config)=/);
    }
  });
});
