/**
 * `npm run build`: compiles Hearth into single executables with `bun build --compile`, the
 * web app (scripts/build-web.ts) inside — one per platform a home server or a Raspberry Pi
 * runs, `dist/hearth-linux-x64` and `dist/hearth-linux-arm64`, a copy of this machine's as
 * `dist/hearth`, and `dist/SHA256SUMS` over all three (`cd dist && sha256sum -c SHA256SUMS`).
 * Bun cross-compiles: it fetches the target's Bun runtime from npm once (~/.bun/install/cache).
 *
 *   npm run build                                  # dist/hearth-linux-{x64,arm64}, dist/hearth, dist/SHA256SUMS
 *   npm run build -- --target bun-linux-arm64      # one platform: dist/hearth-linux-arm64
 *   npm run build -- --outfile FILE [--entry FILE] [--target T]   # one file (tests)
 *   npm run build -- --dist DIR                    # everything into DIR instead of dist/
 *
 * libSQL loads its native addon with a computed `require`, which a bundler cannot follow, so
 * this build rewrites that one line to a plain `require` of the target's addon file, which
 * Bun then embeds. The host's addon is in node_modules; another platform's comes from npm at
 * the version package-lock.json pins (scripts/build-addon.ts).
 *
 * Litestream (continuous replication, docs/operations.md) goes inside the executable too:
 * the platform's binary from npm (`@flydotio/litestream-<platform>-<arch>`) is embedded as a
 * file asset in place of src/supervisor/replication/bundled.ts, and Hearth extracts it once
 * when replication is configured. No package for the target (linux-arm64 has none on npm):
 * the build says so and carries none; `replication.litestream` then names one.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { addonFile } from './build-addon.ts';
import { buildWeb } from './build-web.ts';

/** The part of Bun's API this script uses (Bun's own types are not installed). */
interface PluginBuild {
  onLoad(o: { filter: RegExp }, fn: (file: { path: string }) => { contents: string; loader: 'js' }): void;
}
declare const Bun: {
  build(o: Record<string, unknown>): Promise<{ success: boolean; logs: unknown[] }>;
};

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : undefined);
// Tests build a variant whose entry adds the kit's test services to the built-in ones.
const entry = arg('--entry') ?? join(root, 'bin', 'hearth.ts');
const dist = arg('--dist') ?? join(root, 'dist');

/** The platforms `npm run build` makes, as Bun targets. */
const RELEASE_TARGETS = ['bun-linux-x64', 'bun-linux-arm64'];

/** The platform, architecture and libc of a Bun target (`bun-linux-arm64-musl`), or this machine's. */
function targetPlatform(target?: string): { platform: string; arch: string; libc?: string } {
  const [, os = process.platform, arch = process.arch, libc] = (target ?? '').split('-');
  return { platform: os === 'windows' ? 'win32' : os, arch, libc };
}

/** This machine's Bun target. */
const hostTarget = `bun-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

/** `hearth-linux-arm64` (`-musl` and `-baseline` kept): the file a target's build is named. */
function fileFor(target: string): string {
  return `hearth-${target.replace(/^bun-/, '')}`;
}

/** The libSQL addon package for a target: `@libsql/linux-x64-gnu`, … */
function addonPackage(target?: string): string {
  const { platform, arch, libc } = targetPlatform(target);
  const suffix = platform === 'linux' ? (libc === 'musl' ? '-musl' : '-gnu') : platform === 'win32' ? '-msvc' : '';
  return `@libsql/${platform}-${arch}${suffix}`;
}

/** The Litestream executable from npm for the target, if installed. */
function litestreamBinary(target?: string): { pkg: string; file?: string } {
  const { platform, arch } = targetPlatform(target);
  const pkg = `@flydotio/litestream-${platform}-${arch}`;
  const file = join(root, 'node_modules', pkg, 'litestream');
  return { pkg, file: existsSync(file) ? file : undefined };
}

/** Compiles one executable for `target` (this machine when undefined) into `outfile`. */
async function compile(outfile: string, target?: string): Promise<void> {
  const pkg = addonPackage(target);
  const addon = addonFile(root, pkg);
  const litestream = litestreamBinary(target);
  const result = await Bun.build({
    entrypoints: [entry],
    compile: { outfile, ...(target ? { target } : {}) },
    minify: { syntax: true, whitespace: true },
    // JavaScriptCore bytecode made at build time, so a start does not parse and compile the
    // bundle: ~40 % off the appliance's start here, half the CPU of `hearth version` under
    // emulation, most welcome on a Pi's slow cores (docs/benchmarks.md). ~10 MB more file.
    // Said outright: with bytecode Bun otherwise bundles as CommonJS, where bin/hearth.ts's
    // top-level await is an error.
    bytecode: true,
    format: 'esm',
    sourcemap: 'linked',
    plugins: [
      {
        name: 'libsql-native-addon',
        setup(build: PluginBuild) {
          build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, (file) => {
            const src = readFileSync(file.path, 'utf8');
            const out = src.replace('require(`@libsql/${target}`)', `require(${JSON.stringify(addon)})`);
            if (out === src) throw new Error(`${file.path}: libsql's addon loader changed; update scripts/build.ts`);
            return { contents: out, loader: 'js' };
          });
        },
      },
      {
        name: 'litestream-embedded',
        setup(build: PluginBuild) {
          if (!litestream.file) return; // bundled.ts stays as it is: nothing embedded
          build.onLoad({ filter: /[\\/]src[\\/]supervisor[\\/]replication[\\/]bundled\.ts$/ }, () => ({
            contents: `import path from ${JSON.stringify(litestream.file)} with { type: 'file' };\nexport const bundledLitestream = path;\n`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
  console.log(`build: ${outfile} (${target ?? hostTarget}; ${pkg} embedded)`);
  console.log(
    litestream.file
      ? `build: Litestream embedded (${litestream.pkg}); extracted to ~/.cache/hearth when replication is configured`
      : `build: no Litestream embedded (${litestream.pkg} is not on npm or not installed); with replication configured, set replication.litestream or put litestream on the PATH`,
  );
}

/** `dist/SHA256SUMS`, in the format `sha256sum -c` reads. */
function writeChecksums(files: string[]): void {
  const lines = files.map((f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${basename(f)}\n`);
  writeFileSync(join(dist, 'SHA256SUMS'), lines.join(''));
  console.log(`build: ${join(dist, 'SHA256SUMS')} (${files.length} files)`);
}

// The web app first: the gateway imports build/web/bundle.mjs, which the binary then carries.
const web = await buildWeb();
console.log(`build: web app ${web.version} (${web.files.length} files)`);

const target = arg('--target');
const outfile = arg('--outfile');
if (outfile || target) {
  // One file: a test's build, or one platform's.
  await compile(outfile ?? join(dist, fileFor(target!)), target);
} else {
  mkdirSync(dist, { recursive: true });
  const targets = RELEASE_TARGETS.includes(hostTarget) ? RELEASE_TARGETS : [...RELEASE_TARGETS, hostTarget];
  const files: string[] = [];
  for (const t of targets) {
    const file = join(dist, fileFor(t));
    // The host's with no target, as Bun builds by default (the same runtime: no fetch).
    await compile(file, t === hostTarget ? undefined : t);
    files.push(file);
  }
  const host = join(dist, 'hearth');
  rmSync(host, { force: true });
  copyFileSync(join(dist, fileFor(hostTarget)), host);
  chmodSync(host, 0o755);
  console.log(`build: ${host} (a copy of ${fileFor(hostTarget)}, this machine's)`);
  writeChecksums([host, ...files]);
}
