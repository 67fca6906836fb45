/**
 * The Litestream executable carried inside the compiled binary, if this build carries one.
 * Run from source this is `undefined`; `npm run build` (scripts/build.ts) replaces this
 * module with one that embeds the platform's Litestream as a file asset, and this export is
 * then the asset's path inside the executable (`/$bunfs/root/litestream-<hash>`), readable
 * but not executable: find-litestream.ts extracts it once into the data directory.
 */
export const bundledLitestream: string | undefined = undefined;
