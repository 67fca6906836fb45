import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupName, isPartial, parseName, partialName } from './names.ts';

describe('backup names', () => {
  it('names a backup by the UTC second it began, .age when encrypted, and reads it back', () => {
    const at = new Date('2026-12-02T03:30:07.456Z');
    assert.equal(backupName(at, false), 'hearth-backup-20261202T033007Z.tar.gz');
    assert.equal(backupName(at, true), 'hearth-backup-20261202T033007Z.tar.gz.age');
    assert.deepEqual(parseName('hearth-backup-20261202T033007Z.tar.gz.age'), {
      name: 'hearth-backup-20261202T033007Z.tar.gz.age', at: new Date('2026-12-02T03:30:07Z'), encrypted: true, failed: false,
    });
    assert.equal(parseName('hearth-backup-20261202T033007Z.tar.gz.failed')?.failed, true);
  });

  it('sorts by time as text', () => {
    const names = ['2026-12-02T03:30:00Z', '2026-11-30T23:59:59Z', '2027-01-01T00:00:00Z'].map((t) => backupName(new Date(t), false));
    assert.deepEqual([...names].sort(), [names[1], names[0], names[2]]);
  });

  it('refuses anything else: paths, traversal, other files, impossible dates', () => {
    for (const bad of [
      '../hearth-backup-20261202T033000Z.tar.gz', '/etc/passwd', '..%2fhearth-backup-20261202T033000Z.tar.gz', 'hearth-backup-20261202T033000Z.tar.gz/..',
      'hearth-backup-20261202T033000Z.tar.gz.json', 'hearth-backup-20261302T033000Z.tar.gz', 'hearth-backup-20261231T253000Z.tar.gz', 'hearth-backup-20260230T033000Z.tar.gz', 'hearth-20261202T033000Z.tar',
      '.hearth-backup-20261202T033000Z.tar.gz.partial', 'hearth-20261202T033000Z.TAR', 'hearth-backup-20261202T033000Z.tar.gz\n', '',
    ]) assert.equal(parseName(bad), undefined, bad);
  });

  it('hides a backup being written', () => {
    assert.equal(partialName('hearth-backup-20261202T033000Z.tar.gz'), '.hearth-backup-20261202T033000Z.tar.gz.partial');
    assert.ok(isPartial('.hearth-backup-20261202T033000Z.tar.gz.partial'));
    assert.ok(isPartial('..hearth-backup-20261202T033000Z.tar.gz.partial.staging-x1Y2'));
    assert.ok(!isPartial('hearth-backup-20261202T033000Z.tar.gz'));
  });
});
