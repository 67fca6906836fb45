/** The backup and restore commands' own flags, taken out before the configuration's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeFlags } from './own-flags.ts';

const kinds = { '--out': 'value', '--force': 'switch' } as const;

describe('takeFlags', () => {
  it('takes its flags in both spellings and leaves the rest in order', () => {
    assert.deepEqual(takeFlags(['a.tar.gz', '--out', 'x', '--data', 'd', '--force'], kinds), { values: { '--out': 'x', '--force': true }, rest: ['a.tar.gz', '--data', 'd'] });
    assert.deepEqual(takeFlags(['--out=y'], kinds), { values: { '--out': 'y' }, rest: [] });
  });

  it('says when a value is missing or a switch is given one', () => {
    assert.equal(takeFlags(['--out'], kinds).problem, '--out needs a value');
    assert.equal(takeFlags(['--out', '--force'], kinds).problem, '--out needs a value');
    assert.equal(takeFlags(['--force=yes'], kinds).problem, '--force takes no value');
  });

  it('stops at --', () => {
    assert.deepEqual(takeFlags(['--', '--out', 'x'], kinds).rest, ['--', '--out', 'x']);
  });
});
