/**
 * Hearth's settings, declared once: each key's schema (its range, in words), default and
 * one line of docs. This folder declares every section a service or the gateway reads;
 * src/config declares the rest (data, log, broker, services, supervisor, kit) with the same
 * `setting` and `section`, composes the configuration file's schema from both, and
 * config/defaults.json and docs/configuration.md's table are generated from the whole
 * (`npm run docs:config`; a test checks they are up to date).
 *
 * @example
 * import { settings } from '../../src/contracts/index.ts';
 * const s = settings.readSettings({ location: settings.location }, api.settings, 'location.bad_settings', 'location settings');
 */
export { setting, section, named, type Setting, type Section, type Named, type Entries, type Entry, type Values, type ValuesOf } from './declare.ts';
export { fileSchema, readerSchema, defaultsOf, rowsOf, type SettingRow } from './derive.ts';
export { readSettings } from './read.ts';
export * as rules from './rules.ts';
export { parseHostPort, isHost, HOST_PORT_ALLOWED, type HostPort } from './host-port.ts';
export { http, public_url, publicUrlOf } from './address.ts';
export { users } from './users.ts';
export { location } from './location.ts';
export { notifications } from './notifications.ts';
export { gateway } from './gateway.ts';
export { web } from './web.ts';
export { https } from './https.ts';
export { oidc, PROVIDER_NAME } from './oidc.ts';
