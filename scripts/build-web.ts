/**
 * Builds the family's web app (`src/web/`) into `build/web/`, which the gateway serves at `/`
 * and `npm run build` embeds in `dist/hearth`. `npm start`, `npm test` and `npm run build`
 * run it first (their `pre…` scripts); it takes well under a second.
 *
 *   node --import tsx scripts/build-web.ts      # or: npm run build:web
 *   npm run build:web -- --out DIR              # elsewhere (a running Hearth serves it with web.app_dir)
 *
 * What it writes:
 * - `assets/app-<hash>.js|css`: the app, bundled and minified by esbuild (hashed names: the
 *   gateway serves them `immutable` for a year);
 * - `sw.js` (the service worker, told the build's version and which files make the shell),
 *   `index.html`, `manifest.webmanifest` and the icons, under fixed names, never cached stale;
 * - `bundle.mjs`: all of the above as one ES module (bodies in base64, with gzip and brotli
 *   variants made here once), which the gateway imports — so the compiled binary carries
 *   the app inside and serves it with no files on disk.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src', 'web');

/** One file the gateway serves. */
interface Built {
  path: string;
  type: string;
  body: Buffer;
  /** Hashed name: cache for a year. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
const typeOf = (p: string) => TYPES[p.slice(p.lastIndexOf('.'))] ?? 'application/octet-stream';
const ICONS = ['icon.svg', 'icon-192.png', 'icon-512.png', 'maskable-512.png', 'apple-touch-icon.png'];

/** Builds the app into `outDir` (default `build/web`); returns the files and the build's version. */
export async function buildWeb(outDir = join(root, 'build', 'web'), o: { stamp?: string } = {}): Promise<{ version: string; files: Built[] }> {
  // Old hashed assets go; bundle.mjs is replaced atomically at the end, since a running test
  // (or gateway) may be importing it while the binary's build runs this again.
  rmSync(join(outDir, 'assets'), { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });

  const app = await esbuild.build({
    entryPoints: [join(src, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // The signed-in app (the map library above all) is a chunk of its own, loaded on sign-in,
    // so the sign-in page and the boot screen do not wait for it.
    splitting: true,
    entryNames: 'app-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    // Leaflet's CSS names a few PNGs (layer switcher, default marker): emitted as hashed files.
    loader: { '.png': 'file' },
    outdir: join(outDir, 'assets'),
    metafile: true,
    // Kept in memory and written below: another build (a test's binary) may empty assets/ meanwhile.
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const bytes = new Map(app.outputFiles.map((f) => [f.path, f.contents]));
  for (const f of app.outputFiles) writeFileSync(f.path, f.contents);
  const urlOf = (out: string) => '/' + relative(outDir, join(root, out)).split('\\').join('/');
  const [entry, main] = Object.entries(app.metafile.outputs).find(([out, o]) => o.entryPoint && out.endsWith('.js'))!;
  // The entry's stylesheet holds every style, the lazy chunk's included; esbuild also writes
  // the chunk's own, which would only repeat them: it is left out.
  const outputs = Object.keys(app.metafile.outputs).filter((out) => !out.endsWith('.css') || out === main.cssBundle);
  const files: Built[] = outputs.map((out) => {
    const path = urlOf(out);
    return { path, type: typeOf(path), body: Buffer.from(bytes.get(join(root, out))!), immutable: true };
  });
  const script = urlOf(entry);
  // Every chunk is fetched at once (modulepreload) and evaluated only when imported.
  const preloads = files.filter((f) => f.path.endsWith('.js') && f.path !== script).map((f) => `<link rel="modulepreload" href="${f.path}">`);
  const styles = files.filter((f) => f.path.endsWith('.css')).map((f) => `<link rel="stylesheet" href="${f.path}">`);

  for (const icon of ICONS) files.push({ path: `/icons/${icon}`, type: typeOf(icon), body: readFileSync(join(src, 'icons', icon)), immutable: false });
  files.push({ path: '/manifest.webmanifest', type: typeOf('.webmanifest'), body: Buffer.from(JSON.stringify(manifest(), null, 1)), immutable: false });
  const html = readFileSync(join(src, 'index.html'), 'utf8').replace('%STYLES%', styles.join('\n')).replace('%SCRIPT%', script).replace('%PRELOADS%', preloads.join('\n'));
  files.push({ path: '/index.html', type: typeOf('.html'), body: Buffer.from(html), immutable: false });

  // The version names everything the shell is made of, so a new build replaces the old shell
  // (a `stamp`, such as a release name, makes a new version of the same files).
  const contents = files.map((f) => f.path + ':' + createHash('sha256').update(f.body).digest('hex')).join('\n');
  const version = createHash('sha256').update(contents + (o.stamp ?? '')).digest('hex').slice(0, 16);
  const shell = files.map((f) => f.path).filter((p) => p !== '/index.html');
  const sw = await esbuild.build({
    entryPoints: [join(src, 'sw.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    define: { __BUILD__: JSON.stringify(version), __SHELL__: JSON.stringify(shell) },
  });
  files.push({ path: '/sw.js', type: typeOf('.js'), body: Buffer.from(sw.outputFiles[0]!.contents), immutable: false });

  // The files themselves too (esbuild wrote the assets already), for reading and debugging.
  for (const f of files) {
    if (f.path.startsWith('/assets/')) continue;
    mkdirSync(dirname(join(outDir, f.path)), { recursive: true });
    writeFileSync(join(outDir, f.path), f.body);
  }
  const tmp = join(outDir, `bundle.${process.pid}.tmp`);
  writeFileSync(tmp, bundleModule(version, files));
  renameSync(tmp, join(outDir, 'bundle.mjs'));
  return { version, files };
}

/** The web app manifest (installable: name, icons incl. maskable, start_url, display). */
function manifest() {
  return {
    name: 'Hearth',
    short_name: 'Hearth',
    description: "Your family's places, chat and alerts, on your own server.",
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'any',
    background_color: '#fffaf5',
    theme_color: '#c2410c',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  };
}

/** `export default { version, files: { path: { type, immutable, etag, body, gzip?, br? } } }`, bodies in base64. */
function bundleModule(version: string, files: Built[]): string {
  const entries = files.map((f) => {
    const compressible = /^text\/|json|svg/.test(f.type);
    const gzip = compressible ? gzipSync(f.body, { level: 9 }) : undefined;
    const br = compressible ? brotliCompressSync(f.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : undefined;
    const etag = `"${createHash('sha256').update(f.body).digest('base64url').slice(0, 22)}"`;
    const asset = {
      type: f.type,
      immutable: f.immutable,
      etag,
      body: f.body.toString('base64'),
      ...(gzip && gzip.length < f.body.length ? { gzip: gzip.toString('base64') } : {}),
      ...(br && br.length < f.body.length ? { br: br.toString('base64') } : {}),
    };
    return `  ${JSON.stringify(f.path)}: ${JSON.stringify(asset)}`;
  });
  return `// Generated by scripts/build-web.ts — do not edit.\nexport default {\n version: ${JSON.stringify(version)},\n files: {\n${entries.join(',\n')}\n }\n};\n`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const started = performance.now();
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const { version, files } = await buildWeb(out);
  const code = files.filter((f) => /\.(js|css)$/.test(f.path) && f.path !== '/sw.js').reduce((n, f) => n + f.body.length, 0);
  console.log(`build-web: ${files.length} files, app JS+CSS ${(code / 1024).toFixed(1)} KiB, version ${version} (${Math.round(performance.now() - started)} ms)`);
}
