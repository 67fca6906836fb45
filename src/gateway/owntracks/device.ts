/**
 * Who posted: the app names its user and device in the `X-Limit-U` / `X-Limit-D` headers
 * (when set under Identification), or the URL carries `?u=&d=`
 * (https://owntracks.org/booklet/tech/http/). Headers win over the query, as in the
 * OwnTracks Recorder, and the payload's `topic` (`owntracks/<user>/<device>`, sent by iOS
 * and Android ≥ 2.4) is the last resort. Names are cut down to a Hearth device label.
 */

/** Where request headers come from: a Fetch `Headers` or a plain record (any case). */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | undefined>>;
/** Where query parameters come from: `URLSearchParams` or a plain record. */
export type QuerySource = { get(name: string): string | null } | Readonly<Record<string, string | undefined>>;

/** The user and device a request says it is from; `user` is `null` when it names none. */
export interface OwnTracksIdentity {
  user: string | null;
  device: string;
}

/** The device label used when a request names no device. */
export const DEFAULT_DEVICE = 'owntracks';

/**
 * Turns any name into a Hearth device label (`^[\w.@:-]{1,64}$`): accents dropped, every
 * other run of disallowed characters becomes `-`; `null` when nothing usable is left.
 */
export function sanitiseLabel(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const label = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\w.@:-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return label === '' ? null : label;
}

function read(src: HeaderSource | QuerySource | undefined, name: string, anyCase: boolean): string | null {
  if (!src) return null;
  if (typeof src.get === 'function') return (src as { get(n: string): string | null }).get(name);
  const rec = src as Readonly<Record<string, string | undefined>>;
  if (!anyCase) return rec[name] ?? null;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : (rec[key] ?? null);
}

/** The last two levels of a topic (`owntracks/jane/phone` → jane, phone). */
function fromTopic(topic: string | undefined): { user: string | null; device: string | null } {
  const levels = (topic ?? '').split('/');
  if (levels.length < 3) return { user: null, device: null };
  return { user: levels.at(-2) ?? null, device: levels.at(-1) ?? null };
}

/**
 * The user and device of an OwnTracks request, each a sanitised label; the device falls
 * back to `owntracks`.
 *
 * @example
 * deviceOf({ headers: c.req.raw.headers, query: new URL(c.req.url).searchParams, topic: msg.topic });
 */
export function deviceOf(from: { headers?: HeaderSource; query?: QuerySource; topic?: string }): OwnTracksIdentity {
  const topic = fromTopic(from.topic);
  const pick = (header: string, param: string, fallback: string | null) =>
    [read(from.headers, header, true), read(from.query, param, false), fallback].map(sanitiseLabel).find((x) => x !== null) ?? null;
  return {
    user: pick('x-limit-u', 'u', topic.user),
    device: pick('x-limit-d', 'd', topic.device) ?? DEFAULT_DEVICE,
  };
}
