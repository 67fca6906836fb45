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

/** The libSQL addon package for a Bun target (or this machine): `@libsql/linux-x64-gnu`, … */
function addonPackage(): string {
  const [, os = process.platform, arch = process.arch, libc] = (target ?? '').split('-');
  const platform = os === 'windows' ? 'win32' : os;
  const suffix = platform === 'linux' ? (libc === 'musl' ? '-musl' : '-gnu') : platform === 'win32' ? '-msvc' : '';
  return `@libsql/${platform}-${arch}${suffix}`;
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
  ],
});

if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`build: ${outfile} (${pkg} embedded)`);
