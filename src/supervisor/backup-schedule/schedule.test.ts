import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { missedRun } from './schedule.ts';

const load = (schedule: string) => () => loadConfig([], { HEARTH_BACKUP__SCHEDULE: schedule }, { cwd: '/srv/hearth' }).config;

describe('backup.schedule', () => {
  it('accepts five fields, six with seconds first, and "" (off)', () => {
    for (const s of ['30 3 * * *', '0 */6 * * 1-5', '* * * * * *', '*/2 * * * * *', '']) assert.equal(load(s)().backup.schedule, s);
  });

  it('refuses anything croner cannot read, naming the key and what is allowed', () => {
    for (const s of ['61 * * * *', 'every day', '* * * *', '0 0 0 * * * *']) {
      assert.throws(load(s), (err: ConfigError) => /backup\.schedule = .*not valid; allowed: a cron expression of 5 fields/.test(err.message), s);
    }
  });
});

describe('missedRun', () => {
  const at = (iso: string) => new Date(iso);
  it('owes a backup when a scheduled time passed since the newest good one began', () => {
    assert.equal(missedRun(at('2026-12-02T03:30:00Z'), at('2026-12-01T03:30:00Z'), true), true);
    assert.equal(missedRun(at('2026-12-02T03:30:00Z'), at('2026-12-02T03:30:00Z'), true), false);
    assert.equal(missedRun(at('2026-12-02T03:30:00Z'), at('2026-12-02T09:00:00Z'), true), false);
  });

  it('owes none to a new appliance without data, and none when the schedule is off', () => {
    assert.equal(missedRun(at('2026-12-02T03:30:00Z'), undefined, false), false);
    assert.equal(missedRun(at('2026-12-02T03:30:00Z'), undefined, true), true);
    assert.equal(missedRun(undefined, undefined, true), false);
  });
});
