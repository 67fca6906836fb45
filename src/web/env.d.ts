/** Imports esbuild bundles that TypeScript does not read: styles. */
declare module '*.css';
