/** The family's web app, served by the gateway at `/` (see serve.ts). */
export { loadWebAssets, type WebAsset, type WebAssets } from './assets.ts';
export { serveWebApp, pickEncoding } from './serve.ts';
export { webHeaders, tileSource } from './headers.ts';
