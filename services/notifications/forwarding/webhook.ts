/**
 * The generic webhook: a JSON POST signed with HMAC-SHA256, and the check a receiver runs.
 * The signature covers `<unix seconds>.<raw body>`, so a receiver can refuse a replayed
 * request (an old timestamp) as well as a forged or altered one. Uses `node:crypto`, which
 * Node, Bun and Deno all provide.
 *
 * Body: `{ "deliveryId": 42, "notification": { notificationId, type, priority, title, body,
 * groupId, createdAt } }`. Headers: `Content-Type: application/json`, `User-Agent: Hearth`,
 * `X-Hearth-Delivery: 42` (the same on every retry: receivers drop duplicates by it),
 * `X-Hearth-Timestamp: <unix seconds>`, `X-Hearth-Signature: sha256=<hex>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { notifications } from '../../../src/contracts/index.ts';
import { AppError } from '../../../src/kit/index.ts';
import type { TargetAddress } from './ntfy.ts';

/** The headers a webhook request carries (lower case, as receivers usually see them). */
export const WEBHOOK_HEADERS = {
  delivery: 'x-hearth-delivery',
  timestamp: 'x-hearth-timestamp',
  signature: 'x-hearth-signature',
} as const;

/** The JSON a webhook receives. */
export interface WebhookBody {
  deliveryId: number;
  notification: notifications.ForwardMessage;
}

/**
 * The signature header value: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`
 * keyed with the target's secret.
 *
 * @example
 * sign('s3cret-s3cret-s3cret', 1735689600, '{"deliveryId":1}'); // 'sha256=…'
 */
export function sign(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * The fetch arguments that post `m` to a webhook target, signed at `nowMs`.
 *
 * @example
 * const { url, init } = webhookRequest({ url: 'https://example.org/hook', secret }, message, 42, Date.now());
 */
export function webhookRequest(target: TargetAddress, m: notifications.ForwardMessage, deliveryId: number, nowMs: number): { url: string; init: RequestInit } {
  if (!target.secret) throw new AppError('validation', 'notifications.webhook_no_secret', 'A webhook target needs a signing secret');
  const timestamp = Math.floor(nowMs / 1000);
  const body = JSON.stringify({ deliveryId, notification: m } satisfies WebhookBody);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'Hearth',
    'X-Hearth-Delivery': String(deliveryId),
    'X-Hearth-Timestamp': String(timestamp),
    'X-Hearth-Signature': sign(target.secret, timestamp, body),
  };
  return { url: target.url, init: { method: 'POST', headers, body } };
}

/** Request headers as fetch (`Headers`) or node:http (`req.headers`) give them. */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/**
 * True when `body` (the raw bytes or text received) carries a valid signature made with
 * `secret` within `toleranceS` seconds of `nowMs`. Compares in constant time.
 *
 * @example
 * // in a node:http receiver, with the raw body collected as a Buffer:
 * if (!verifySignature(secret, req.headers, raw, Date.now())) res.writeHead(401).end();
 */
export function verifySignature(secret: string, headers: HeaderBag, body: string | Uint8Array, nowMs: number, toleranceS = 300): boolean {
  const tsText = header(headers, WEBHOOK_HEADERS.timestamp);
  const given = header(headers, WEBHOOK_HEADERS.signature);
  if (!tsText || !given || !/^\d{1,12}$/.test(tsText)) return false;
  const timestamp = Number(tsText);
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceS) return false;
  const expected = utf8.encode(sign(secret, timestamp, body));
  const actual = utf8.encode(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const utf8 = new TextEncoder();

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}
