/**
 * bin/hearth.js under Node: it runs the compiled code (scripts/build-node.ts) only while
 * every source file it was compiled from is unchanged, and the TypeScript source otherwise
 * — an edited file is never run stale. Checked on a copy of the launcher whose `build/node/`
 * belongs to this test (the repository's own is in use by every other test's Hearth), with
 * the source folders linked in; `hearth version` says which code runs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildNode } from '../../scripts/build-node.ts';
import { root } from '../support/hearth-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

/** Runs the copied launcher; resolves with its exit code and output. */
function run(copy: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env0 = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HEARTH_FROM_SOURCE'));
    const child = spawn(process.execPath, [join(copy, 'bin', 'hearth.js'), ...args], { cwd: copy, env: { ...env0, ...env } as NodeJS.ProcessEnv });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (out += b));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('bin/hearth.js: compiled code while it is current, the source otherwise', { timeout: FILE_TIMEOUT }, () => {
  const dir = useTempDir('launcher');
  const copy = join(dir, 'hearth');
  const sources = () => join(copy, 'build', 'node', 'sources.json');

  before(async () => {
    mkdirSync(join(copy, 'bin'), { recursive: true });
    copyFileSync(join(root, 'bin', 'hearth.js'), join(copy, 'bin', 'hearth.js'));
    symlinkSync(join(root, 'bin', 'hearth.ts'), join(copy, 'bin', 'hearth.ts'));
    for (const d of ['src', 'services', 'embedded-broker', 'config', 'node_modules', 'package.json', 'package-lock.json']) symlinkSync(join(root, d), join(copy, d));
    const files = await buildNode(join(copy, 'build', 'node'));
    assert.ok(files > 100, `${files} source files went in`);
  });

  it('runs the compiled code when nothing changed since the build', async () => {
    const r = await run(copy, ['version']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^hearth \d+\.\d+\.\d+ \(Node v\d+[^,]*\)\n$/);
  });

  it('runs the source when a file changed after the build (its size or its time)', async () => {
    const built = readFileSync(sources(), 'utf8');
    try {
      const { inputs } = JSON.parse(built) as { inputs: Record<string, [number, number]> };
      const [file, [mtime, size]] = Object.entries(inputs).find(([f]) => f.startsWith('src/kit/'))!;
      for (const changed of [[mtime, size + 1], [mtime + 1000, size]]) {
        writeFileSync(sources(), JSON.stringify({ inputs: { ...inputs, [file]: changed } }));
        const r = await run(copy, ['version']);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /\(Node v\S+, from TypeScript source\)/);
      }
      // npm packages are compiled in too: an install (which rewrites npm's lock files) makes the build stale.
      assert.ok(inputs['package-lock.json'] && inputs['node_modules/.package-lock.json'], 'the lock files stand for the packages');
      const [lockTime, lockSize] = inputs['node_modules/.package-lock.json']!;
      writeFileSync(sources(), JSON.stringify({ inputs: { ...inputs, 'node_modules/.package-lock.json': [lockTime + 1000, lockSize] } }));
      assert.match((await run(copy, ['version'])).out, /from TypeScript source/, 'packages installed after the build');
      writeFileSync(sources(), JSON.stringify({ inputs: { ...inputs, 'src/kit/gone.ts': [mtime, size] } }));
      assert.match((await run(copy, ['version'])).out, /from TypeScript source/, 'a file that is gone');
      writeFileSync(sources(), '{ "inputs": ');
      assert.match((await run(copy, ['version'])).out, /from TypeScript source/, 'a damaged sources.json');
    } finally {
      writeFileSync(sources(), built);
    }
  });

  it('runs the source when asked to, or when the configuration names a plug-in service', async () => {
    assert.match((await run(copy, ['version'], { HEARTH_FROM_SOURCE: '1' })).out, /from TypeScript source/);
    assert.match((await run(copy, ['version'], { HEARTH_SERVICES__ECHO__ENTRY: './echo.ts' })).out, /from TypeScript source/);
    const conf = join(dir, 'plugin.conf');
    writeFileSync(conf, 'services {\n  echo { entry: "./plugins/echo.ts" }\n}\n');
    assert.match((await run(copy, ['version', '--config', conf])).out, /from TypeScript source/);
    assert.match((await run(copy, ['version', `--config=${conf}`])).out, /from TypeScript source/);
    writeFileSync(conf, 'log { level: "warn" }\n');
    assert.doesNotMatch((await run(copy, ['version', '--config', conf])).out, /source/);
  });

  it('serves the whole appliance from the compiled code, web app included', async () => {
    mkdirSync(join(copy, 'build'), { recursive: true });
    symlinkSync(join(root, 'build', 'web'), join(copy, 'build', 'web'));
    const conf = join(dir, 'serve.conf');
    writeFileSync(conf, `data: "${join(dir, 'data')}"\nhttp: "127.0.0.1:0"\nbroker { port: -1 }\nsupervisor { ready_timeout_ms: 50000 }\n`);
    const child = spawn(process.execPath, [join(copy, 'bin', 'hearth.js'), 'serve', '--config', conf], { cwd: copy, env: { ...process.env, HEARTH_FROM_SOURCE: '' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (out += b));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 50_000);
        const look = () => {
          const m = /open\s+(http:\/\/\S+)/.exec(out);
          if (m) (clearTimeout(t), resolve(m[1]!));
        };
        child.stdout.on('data', look);
        child.on('exit', () => reject(new Error(`hearth exited:\n${out}`)));
      });
      await waitFor('/readyz to answer 200', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
