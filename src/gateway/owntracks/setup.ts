/**
 * One-tap phone set-up: the OwnTracks `configuration` a phone imports, and the
 * `owntracks:///config?inline=<base64>` link that carries it (docs/api.md, "Setting up a
 * phone"). Pure functions; the route makes the app password and the QR code.
 *
 * The keys are those both apps import (owntracks/android `Preferences.importConfiguration`,
 * which ignores keys it does not know; owntracks/ios `Settings fromDictionary`):
 * `mode` 3 is HTTP on both (`ConnectionMode.HTTP`, `CONNECTION_MODE_HTTP`); `auth` is iOS's
 * switch for sending the username and password at all (off by default in its HTTP
 * template), Android sends them whenever a username is set.
 */
import { Buffer } from 'node:buffer';
import { tidOf } from './tid.ts';

/** A device id: what the phone names itself in `X-Limit-D` (letters, digits, `-`, `_`). */
export const DEVICE_ID = /^[A-Za-z0-9_-]{1,32}$/;

const OWN_ADDRESS = /^https?:\/\/(127\.|localhost(:|$)|\[::1\]|0\.0\.0\.0|\[::\])|:0$/;
const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

/**
 * The base URL a phone should post to: `public_url` when the owner set one; when Hearth
 * only knows its own listening address (loopback, any-address, port 0), the address the
 * caller reached it at (its `Host`), as the web app does for invite links. A malformed
 * `Host` leaves the listening address.
 *
 * @example
 * phoneBaseUrl('http://0.0.0.0:8080', '192.168.1.20:8080'); // 'http://192.168.1.20:8080'
 */
export function phoneBaseUrl(publicUrl: string, host: string | undefined): string {
  const configured = publicUrl.replace(/\/+$/, '');
  if (!OWN_ADDRESS.test(configured) || !host || !HOST.test(host)) return configured;
  return `${configured.startsWith('https:') ? 'https' : 'http'}://${host}`; // the scheme of the address it listens on (https with https.address)
}

/** The OwnTracks configuration Hearth hands out (the keys the apps import; see the header). */
export interface OwnTracksConfiguration {
  _type: 'configuration';
  mode: 3;
  url: string;
  auth: true;
  username: string;
  password: string;
  deviceId: string;
  tid: string;
  monitoring: 1;
  locatorDisplacement: number;
  locatorInterval: number;
  extendedData: true;
  cmd: true;
}

/** "ann-phone" for Ann Smith: lower-case letters and digits, as the apps' own ids look. */
export function deviceIdOf(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20)
    .replace(/-+$/, '');
  return `${base || 'my'}-phone`;
}

/**
 * The configuration for one phone of one account.
 *
 * @example
 * owntracksConfiguration({ publicUrl: 'https://hearth.example.home', email: 'ann@example.com', password: 'pw', deviceId: 'ann-phone', displayName: 'Ann Smith' }).tid; // 'AS'
 */
export function owntracksConfiguration(o: { publicUrl: string; email: string; password: string; deviceId: string; displayName: string }): OwnTracksConfiguration {
  return {
    _type: 'configuration',
    mode: 3,
    url: `${o.publicUrl.replace(/\/+$/, '')}/v1/owntracks`,
    auth: true,
    username: o.email,
    password: o.password,
    deviceId: o.deviceId,
    tid: tidOf(o.displayName),
    // Significant changes: the apps' battery-friendly default, a fix when the phone moves
    // about this far or this long has passed (move mode would drain the battery).
    monitoring: 1,
    locatorDisplacement: 100,
    locatorInterval: 300,
    extendedData: true, // battery level and charging: the low-battery alert needs them
    cmd: true, // act on commands in Hearth's replies ("locate now", places); off by default on iOS
    // Left at the apps' defaults, to keep the QR code small: iOS `usePassword` and
    // `allowRemoteLocation` (on), `remoteConfiguration` (off on both: Hearth never changes
    // a phone's settings behind its owner's back).
  };
}

/**
 * The link that imports `configuration` when tapped on a phone (or scanned as a QR code).
 * The base64 is percent-encoded: Android reads the query with `URLDecoder` (which turns a
 * bare `+` into a space), iOS with `NSURLComponents` (which percent-decodes); both then
 * decode standard, padded base64.
 *
 * @example
 * setupLink({ _type: 'configuration' }); // 'owntracks:///config?inline=eyJfdHlwZSI6ImNvbmZpZ3VyYXRpb24ifQ%3D%3D'
 */
export function setupLink(configuration: object): string {
  const inline = Buffer.from(JSON.stringify(configuration), 'utf8').toString('base64');
  return `owntracks:///config?inline=${encodeURIComponent(inline)}`;
}
