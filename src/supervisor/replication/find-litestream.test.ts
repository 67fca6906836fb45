import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findLitestream, LITESTREAM_PACKAGE, LitestreamMissing } from './find-litestream.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-find-litestream-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const find = (litestream: string) => findLitestream({ replication: { litestream } as never });
const refused = (setting: string, why: string) => (e: Error) =>
  e instanceof LitestreamMissing && e.message === `replication.litestream is "${setting}", which is ${why}; set it to the path of the litestream executable, or to "" to use the one bundled with Hearth`;

describe('findLitestream', () => {
  it('uses replication.litestream when it is an executable file', () => {
    const file = join(dir, 'litestream');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(find(file), file);
  });

  it('refuses a configured path that is missing, not executable or a folder, naming the setting', () => {
    assert.throws(() => find(join(dir, 'nope')), refused(join(dir, 'nope'), 'missing'));
    const plain = join(dir, 'plain');
    writeFileSync(plain, 'text');
    chmodSync(plain, 0o644);
    assert.throws(() => find(plain), refused(plain, 'not executable'));
    mkdirSync(join(dir, 'folder'));
    assert.throws(() => find(join(dir, 'folder')), refused(join(dir, 'folder'), 'not a file'));
  });

  it('looks a bare name up on the PATH', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'my-litestream'), '#!/bin/sh\n', { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `/nowhere:${bin}`;
    try {
      assert.equal(find('my-litestream'), join(bin, 'my-litestream'));
      assert.throws(() => find('other-litestream'), refused('other-litestream', 'not found on the PATH'));
    } finally {
      process.env.PATH = path;
    }
  });

  it('otherwise finds the executable of the npm platform package, not the wrapper', { skip: `${process.platform}-${process.arch}` === 'linux-x64' ? undefined : `no ${LITESTREAM_PACKAGE} installed here` }, () => {
    assert.match(find(''), /node_modules\/@flydotio\/litestream-linux-x64\/litestream$/);
  });
});
