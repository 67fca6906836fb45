/** HTTP to a running Hearth (in this process or spawned): a request helper and the problem check. */
import assert from 'node:assert/strict';

/** An HTTP answer, read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (`any`: tests look into bodies of many shapes). */
  body: any;
}

/** What a request may carry. */
export interface Ask {
  token?: string;
  basic?: [string, string];
  body?: unknown;
  /** Sent as is (no JSON encoding, no content type unless given in headers). */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

/** Sends a request to the gateway. */
export async function call(h: { url: string }, method: string, path: string, o: Ask = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.basic) headers.authorization = `Basic ${Buffer.from(o.basic.join(':')).toString('base64')}`;
  let body: BodyInit | undefined = o.raw;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(h.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Asserts `a` is a problem document with `status` (and `code`, when given). */
export function assertProblem(a: Answer, status: number, code?: string): void {
  assert.equal(a.status, status, `expected ${status}, got ${a.status}: ${a.text}`);
  assert.equal(a.headers.get('content-type'), 'application/problem+json');
  assert.equal(a.body.status, status);
  for (const k of ['type', 'title', 'detail', 'code']) assert.equal(typeof a.body[k], 'string', `problem.${k}`);
  if (code) assert.equal(a.body.code, code);
}

/** GET a JSON document. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}
