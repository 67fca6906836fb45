/**
 * `npm run build`: compiles Hearth into one executable, `dist/hearth`, with
 * `bun build --compile`, the web app (scripts/build-web.ts) inside. libSQL loads its native addon with a computed `require`, which a
 * bundler cannot follow, so this build rewrites that one line to a plain `require` of
 * this machine's addon file, which Bun then embeds in the executable.
 *
 *   npm run build                               # for this machine
 *   npm run build -- --outfile FILE --entry FILE   # elsewhere, from another entry (tests)
 *   npm run build -- --target bun-linux-arm64   # another platform: install its addon first,
 *                                               # e.g. npm i --no-save --force @libsql/linux-arm64-gnu
 *
 * Litestream (continuous replication, docs/operations.md) goes inside the executable too:
 * the platform's binary from npm (`@flydotio/litestream-<platform>-<arch>`) is embedded as a
 * file asset in place of src/supervisor/replication/bundled.ts, and Hearth extracts it once
 * when replication is configured. No package for the target (linux-arm64 has none on npm):
 * the build says so and carries none; `replication.litestream` then names one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
const target = args.includes('--target') ? args[args.indexOf('--target') + 1]! : undefined;
const outfile = args.includes('--outfile') ? args[args.indexOf('--outfile') + 1]! : join(root, 'dist', 'hearth');
// Tests build a variant whose entry adds the kit's test services to the built-in ones.
const entry = args.includes('--entry') ? args[args.indexOf('--entry') + 1]! : join(root, 'bin', 'hearth.ts');

/** The platform and architecture of the Bun target (or this machine). */
function targetPlatform(): { platform: string; arch: string; libc?: string } {
  const [, os = process.platform, arch = process.arch, libc] = (target ?? '').split('-');
  return { platform: os === 'windows' ? 'win32' : os, arch, libc };
}

/** The libSQL addon package for a Bun target (or this machine): `@libsql/linux-x64-gnu`, … */
function addonPackage(): string {
  const { platform, arch, libc } = targetPlatform();
  const suffix = platform === 'linux' ? (libc === 'musl' ? '-musl' : '-gnu') : platform === 'win32' ? '-msvc' : '';
  return `@libsql/${platform}-${arch}${suffix}`;
}

/** The Litestream executable from npm for the target, if installed. */
function litestreamBinary(): { pkg: string; file?: string } {
  const { platform, arch } = targetPlatform();
  const pkg = `@flydotio/litestream-${platform}-${arch}`;
  const file = join(root, 'node_modules', pkg, 'litestream');
  return { pkg, file: existsSync(file) ? file : undefined };
}

// The web app first: the gateway imports build/web/bundle.mjs, which the binary then carries.
const web = await buildWeb();
console.log(`build: web app ${web.version} (${web.files.length} files)`);

const pkg = addonPackage();
const addon = join(root, 'node_modules', pkg, 'index.node');
if (!existsSync(addon)) {
  console.error(`build: ${addon} is missing; install it with: npm i --no-save --force ${pkg}`);
  process.exit(1);
}

const litestream = litestreamBinary();
const result = await Bun.build({
  entrypoints: [entry],
  compile: { outfile, ...(target ? { target } : {}) },
  minify: { syntax: true, whitespace: true },
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
console.log(`build: ${outfile} (${pkg} embedded)`);
console.log(
  litestream.file
    ? `build: Litestream embedded (${litestream.pkg}); extracted to ~/.cache/hearth when replication is configured`
    : `build: no Litestream embedded (${litestream.pkg} is not installed); with replication configured, set replication.litestream or put litestream on the PATH`,
);
