/**
 * scripts/build-addon.ts, which brings another platform's libSQL addon for `npm run build`:
 * the version and integrity come from package-lock.json, a cached addon is used without the
 * network, and a tarball that does not match the lockfile's integrity is refused with
 * nothing kept. (The fetch that succeeds runs in arm64-qemu.test.ts, through the build.)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { addonFile, hasIntegrity, lockedPackage } from '../../scripts/build-addon.ts';
import { root } from '../support/hearth-process.ts';
import { useTempDir } from '../support/test-file.ts';

const PKG = '@libsql/linux-arm64-gnu';

/** A project folder whose package-lock.json pins PKG at `version` with `integrity`. */
function fakeRoot(dir: string, name: string, version: string, integrity: string): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package-lock.json'), JSON.stringify({ packages: { [`node_modules/${PKG}`]: { version, integrity } } }));
  return at;
}

describe('the libSQL addon for another platform', { timeout: 60_000 }, () => {
  const dir = useTempDir('build-addon');

  it("takes the version libsql asks for, pinned with an integrity, from this project's lockfile", () => {
    const libsql = JSON.parse(readFileSync(join(root, 'node_modules/libsql/package.json'), 'utf8'));
    const locked = lockedPackage(root, PKG);
    assert.equal(locked.version, libsql.optionalDependencies[PKG]);
    assert.match(locked.integrity, /^sha512-[A-Za-z0-9+/]+=*$/);
    assert.throws(() => lockedPackage(root, '@libsql/no-such-platform'), /package-lock\.json pins no @libsql\/no-such-platform/);
  });

  it("checks a file against an integrity in the lockfile's form", () => {
    const file = join(dir, 'blob');
    writeFileSync(file, 'the addon');
    const good = `sha512-${createHash('sha512').update('the addon').digest('base64')}`;
    assert.equal(hasIntegrity(file, good), true);
    assert.equal(hasIntegrity(file, `sha512-${createHash('sha512').update('another addon').digest('base64')}`), false);
  });

  it('uses an addon already in build/addons without fetching', () => {
    const at = fakeRoot(dir, 'cached', '0.0.0-cached', 'sha512-none');
    const cached = join(at, 'build/addons', `${PKG.replace('/', '+')}-0.0.0-cached`, 'index.node');
    mkdirSync(join(cached, '..'), { recursive: true });
    writeFileSync(cached, 'cached addon');
    assert.equal(addonFile(at, PKG), cached);
  });

  it("refuses a tarball that does not match the lockfile's integrity, and keeps nothing", () => {
    const { version } = lockedPackage(root, PKG);
    const at = fakeRoot(dir, 'tampered', version, `sha512-${createHash('sha512').update('not this tarball').digest('base64')}`);
    assert.throws(() => addonFile(at, PKG), /does not match package-lock\.json's integrity/);
    assert.deepEqual(readdirSync(join(at, 'build/addons')), []);
    assert.equal(existsSync(join(at, 'build/addons', `${PKG.replace('/', '+')}-${version}`)), false);
  });
});
