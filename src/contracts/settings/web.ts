/** `web`: what the web app is told before sign-in (`GET /v1/instance`), and where it is served from. Read by the gateway. */
import * as v from 'valibot';
import { section, setting } from './declare.ts';
import { text, tileUrlTemplate } from './rules.ts';

const TILE_URL = '"" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host, and {s} (a subdomain) if wanted, e.g. https://{s}.tile.example.org/{z}/{x}/{y}.png';
const TILE_ATTRIBUTION = 'the credit the tile provider asks for, as plain text, up to 300 characters';

/** The `web` section. */
export const web = section({
  tile_url: setting(tileUrlTemplate(TILE_URL), 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    'the map tiles the web app shows (`GET /v1/instance` tells it); `""`: no map, the app shows the member list alone. See [Map tiles](#map-tiles)'),
  tile_attribution: setting(v.pipe(v.string(TILE_ATTRIBUTION), v.maxLength(300, TILE_ATTRIBUTION)), '© OpenStreetMap contributors',
    'the credit the tile provider asks for, shown on the map as plain text'),
  app_dir: setting(text('"" (the web app built into Hearth) or a directory written by npm run build:web -- --out DIR'), '',
    '`""`: serve the web app built into Hearth; else a directory written by `npm run build:web -- --out DIR`, served instead (for working on the app against a running Hearth; read when the gateway starts)'),
});
