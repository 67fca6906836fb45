/**
 * The request that publishes a forwarded message to an ntfy topic. It publishes as JSON to
 * the server's root URL (docs.ntfy.sh/publish, "Publish as JSON"): a title in a JSON body
 * keeps its UTF-8, which a `Title:` header cannot promise through every HTTP stack. The
 * target's URL is the topic URL the ntfy app shows (`https://ntfy.sh/mytopic`); behind a
 * reverse proxy with a path prefix (`https://host/ntfy/mytopic`) the root keeps the prefix.
 *
 * Every message carries `click`, the page of Hearth's web app it is about (the group's map,
 * or its chat for a mention) at `public_url`; an SOS also gets a "view" action button that
 * opens the map (docs.ntfy.sh/publish, "Click action" and "Action buttons": the JSON
 * `actions` array of `{action, label, url}`).
 *
 * Credentials: an access token (`Authorization: Bearer`), or a user and password written
 * into the URL (`https://user:pass@host/topic`) or ntfy's `?auth=` query parameter
 * (base64url of an `Authorization` value, server.go `readAuthHeader`): `ntfyCredentials`
 * takes them out of the URL when the target is added, so the stored and shown URL holds
 * no secret. The stored secret is either a bare token or a whole `Authorization` value
 * (`Basic …`); a token cannot hold a space, so the space tells the two apart.
 */
import type { notifications } from '../../../src/contracts/index.ts';
import { Buffer } from 'node:buffer';
import { AppError } from '../../../src/kit/index.ts';

type ForwardMessage = notifications.ForwardMessage;

/** A target as the request builders need it: where, and its secret (ntfy: a token or an `Authorization` value). */
export interface TargetAddress {
  url: string;
  secret: string | null;
}

/** What the builders know of this Hearth: the base of links into its web app (no trailing slash; none: no links). */
export interface LinkBase {
  publicUrl?: string;
}

/** ntfy's numeric priorities (5 max … 1 min); Hearth never sends 1. */
export const NTFY_PRIORITY = { urgent: 5, high: 4, default: 3, low: 2 } as const satisfies Record<notifications.Priority, number>;

/** Emoji tags (ntfy shows them before the title) per notification type. */
export const NTFY_TAGS = {
  sos_raised: ['rotating_light', 'sos'],
  sos_cleared: ['white_check_mark'],
  journey_started: ['arrow_forward'],
  destination_reached: ['white_check_mark'],
  journey_late: ['hourglass'],
  journey_stuck: ['warning'],
  went_offline: ['mobile_phone_off'],
  place_entered: ['round_pushpin'],
  place_left: ['door'],
  member_joined: ['wave'],
  member_left: ['bust_in_silhouette'],
  member_removed: ['bust_in_silhouette'],
  group_deleted: ['wastebasket'],
  invite_accepted: ['handshake'],
  mention: ['speech_balloon'],
  low_battery: ['battery'],
  stopped_reporting: ['mobile_phone_off'],
  phone_unreadable: ['lock'],
  test: ['test_tube'],
} as const satisfies Record<ForwardMessage['type'], readonly string[]>;

/** ntfy's rule for topic names (docs.ntfy.sh/publish, "Picking a topic"). */
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
/** ntfy turns a message over its 4,096-byte limit into an attachment (or refuses it); stay under. */
const MAX_MESSAGE_BYTES = 3_800;

/**
 * Splits a topic URL into the server root (where JSON is published) and the topic, the last
 * path segment. A query (`?auth=…`) stays on the root; a fragment is dropped.
 *
 * @example
 * splitTopicUrl('https://host/ntfy/family-x7/'); // { root: 'https://host/ntfy/', topic: 'family-x7' }
 */
export function splitTopicUrl(url: string): { root: string; topic: string } {
  const u = new URL(url);
  const segments = u.pathname.split('/').filter((s) => s !== '');
  const last = segments.pop();
  let topic = '';
  try {
    topic = last === undefined ? '' : decodeURIComponent(last);
  } catch {
    // a malformed %-escape: no valid topic, reported below
  }
  if (!TOPIC.test(topic)) {
    // The URL itself is not named: the topic is the secret of an ntfy target.
    throw new AppError('validation', 'notifications.ntfy_bad_topic', 'An ntfy URL must end with a topic of letters, digits, - and _ (https://ntfy.sh/mytopic)');
  }
  u.pathname = '/' + segments.map((s) => s + '/').join('');
  u.hash = '';
  return { root: u.href, topic };
}

/**
 * The fetch arguments that publish `m` to an ntfy target.
 *
 * @example
 * const { url, init } = ntfyRequest({ url: 'https://ntfy.sh/family-x7', secret: null }, message);
 * await fetch(url, init);
 */
export function ntfyRequest(target: TargetAddress, m: ForwardMessage, links: LinkBase = {}): { url: string; init: RequestInit } {
  const { root, topic } = splitTopicUrl(target.url);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Hearth' };
  if (target.secret) headers.Authorization = target.secret.includes(' ') ? target.secret : `Bearer ${target.secret}`;
  const click = links.publicUrl ? webAppLink(links.publicUrl, m) : undefined;
  const body = {
    topic,
    title: m.title,
    message: clip(m.body, MAX_MESSAGE_BYTES),
    priority: NTFY_PRIORITY[m.priority],
    tags: [...NTFY_TAGS[m.type]],
    ...(click ? { click } : {}),
    ...(click && m.type === 'sos_raised' && m.groupId ? { actions: [{ action: 'view', label: OPEN_MAP, url: click }] } : {}),
  };
  return { url: root, init: { method: 'POST', headers, body: JSON.stringify(body) } };
}

/** The label of an SOS's button. */
export const OPEN_MAP = 'Open the map';

/**
 * The web app's page for `m`: a mention opens the group's chat, anything else of a group
 * its map (`?group=` makes that group the one shown), a message of no group the alerts.
 *
 * @example
 * webAppLink('https://hearth.example.home', { type: 'sos_raised', groupId: 'g1' }); // 'https://hearth.example.home/map?group=g1'
 */
export function webAppLink(publicUrl: string, m: Pick<ForwardMessage, 'type' | 'groupId'>): string {
  const base = publicUrl.replace(/\/+$/, '');
  if (!m.groupId) return `${base}/alerts`;
  return `${base}/${m.type === 'mention' ? 'chat' : 'map'}?group=${encodeURIComponent(m.groupId)}`;
}

/**
 * A topic URL as given, split into the URL to keep (no user, password or `auth` query)
 * and the `Authorization` value its credentials make (`null`: none in it). A user and
 * password are percent-decoded, then sent as HTTP Basic, as a browser would.
 *
 * @example
 * ntfyCredentials('https://ann:s3cret@ntfy.example/family'); // { url: 'https://ntfy.example/family', authorization: 'Basic YW5uOnMzY3JldA==' }
 */
export function ntfyCredentials(given: string): { url: string; authorization: string | null } {
  const u = new URL(given);
  let authorization: string | null = null;
  if (u.username || u.password) {
    authorization = `Basic ${Buffer.from(`${decode(u.username)}:${decode(u.password)}`, 'utf8').toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  for (const name of ['auth', 'authorization']) {
    const value = u.searchParams.get(name);
    if (value === null) continue;
    const header = Buffer.from(value, 'base64url').toString('utf8').trim();
    if (/^(basic|bearer) \S+$/i.test(header)) authorization ??= header;
    u.searchParams.delete(name);
  }
  return { url: u.href, authorization };
}

/**
 * A target's URL as it is shown: without credentials, whatever was stored before they were
 * taken out on the way in.
 */
export function shownUrl(url: string): string {
  try {
    return ntfyCredentials(url).url;
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//'); // not a URL: at least no user:pass@
  }
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray % is taken as it stands
  }
}

/** `text` cut to at most `max` UTF-8 bytes at a code point, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return text;
  let end = max - 3; // room for "…" (3 bytes)
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back off a continuation byte
  return new TextDecoder().decode(bytes.subarray(0, end)) + '…';
}
