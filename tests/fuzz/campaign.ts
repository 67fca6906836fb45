/**
 * A fuzz campaign against a running appliance: malformed HTTP requests (requests.ts) sent
 * by a few concurrent raw clients, then malformed frames (frames.ts) over many WebSocket
 * connections. Every answer is checked as it comes — never a 5xx, every error a problem+json
 * document whose `status` is the HTTP status, no request left hanging, no WebSocket closed
 * as an internal error (1011), every server message JSON of a known type — and the
 * figures are counted for the report. Findings carry the seed and the request's bytes.
 */
import WebSocket from 'ws';
import type { Appliance } from './appliance.ts';
import { makeFrame, type FuzzFrame } from './frames.ts';
import { rawRequest, type NoAnswer, type RawAnswer } from './raw-http.ts';
import { makeRequest, targetsOf, type FuzzRequest } from './requests.ts';
import { Rng } from './rng.ts';

/** What a campaign did and found. */
export interface Figures {
  seed: number;
  requests: number;
  frames: number;
  connections: number;
  byCategory: Record<string, number>;
  byStatus: Record<string, number>;
  closeCodes: Record<string, number>;
  serverMessages: Record<string, number>;
  /** Answers slower than a second. */
  slow: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  elapsedMs: number;
  findings: string[];
}

const SERVER_TYPES = new Set(['ready', 'event', 'typing', 'ack', 'sent', 'reauthenticated', 'reset', 'ping', 'pong', 'error']);
// 1002 protocol error, 1007 bad UTF-8, 1009 too big (ws); 1005/1006 no code (the server cut a raw-bytes client).
const ALLOWED_CLOSE = new Set([1000, 1001, 1002, 1005, 1006, 1007, 1008, 1009, 4401, 4408, 4429]);

const bump = (m: Record<string, number>, k: string | number) => void (m[k] = (m[k] ?? 0) + 1);
const show = (b: Buffer) => JSON.stringify(b.subarray(0, 160).toString('latin1')) + (b.length > 160 ? `… (${b.length} bytes)` : '');

/** Runs `requests` HTTP requests and `frames` stream frames (or until `deadline`, epoch ms). */
export async function runCampaign(app: Appliance, o: { seed: number; requests: number; frames: number; concurrency?: number; deadline?: number }): Promise<Figures> {
  const t0 = Date.now();
  const r = new Rng(o.seed);
  const f: Figures = { seed: o.seed, requests: 0, frames: 0, connections: 0, byCategory: {}, byStatus: {}, closeCodes: {}, serverMessages: {}, slow: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, elapsedMs: 0, findings: [] };
  const doc = await (await fetch(`${app.url}/v1/openapi.json`)).json();
  const targets = targetsOf(doc);
  const times: number[] = [];
  const over = () => o.deadline !== undefined && Date.now() > o.deadline;

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.requests && !over()) {
      const i = next++;
      if (i % 100 === 99) await keepSignedIn(app);
      const req = makeRequest(r, targets, { host: `${app.host}:${app.port}`, token: app.token, userId: app.userId, groupId: app.groupId });
      const answer = await rawRequest(app.host, app.port, req.bytes, { head: req.head, timeoutMs: 15_000, ...(req.abort ? { abortAfterMs: 30 } : {}) });
      f.requests++;
      bump(f.byCategory, req.category);
      times.push(answer.ms);
      const problem = checkAnswer(req, answer);
      bump(f.byStatus, 'status' in answer ? answer.status : `dropped:${answer.dropped}`);
      if (problem) f.findings.push(`request #${i} (${req.category}): ${problem}; sent ${show(req.bytes)}`);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));

  await keepSignedIn(app);
  // Counted as sent: a connection the server closes early (a frame too big, say) sends fewer.
  const conn = async (): Promise<void> => {
    while (f.frames < o.frames && !over()) {
      const batch = Array.from({ length: Math.min(o.frames - f.frames, r.int(1, 4)) }, () => makeFrame(r, { token: app.token, groupId: app.groupId }));
      await frameConnection(app, r.chance(0.8), batch, f);
    }
  };
  await Promise.all(Array.from({ length: 4 }, conn));

  times.sort((a, b) => a - b);
  f.p50Ms = Math.round(times[Math.floor(times.length / 2)] ?? 0);
  f.p99Ms = Math.round(times[Math.floor(times.length * 0.99)] ?? 0);
  f.maxMs = Math.round(times[times.length - 1] ?? 0);
  f.slow = times.filter((t) => t > 1000).length;
  f.elapsedMs = Date.now() - t0;
  return f;
}

/** What is wrong with an answer, or undefined. */
function checkAnswer(req: FuzzRequest, a: RawAnswer | NoAnswer): string | undefined {
  if ('dropped' in a) return req.abort ? undefined : `no answer (${a.dropped})`;
  if (a.status === 0) return 'an answer that is not HTTP/1.x';
  if (a.status >= 500) return `${a.status}: ${a.body.toString('utf8').slice(0, 300)}`;
  if (a.status < 400 || req.head) return undefined;
  if (!(a.headers['content-type'] ?? '').startsWith('application/problem+json')) return `${a.status} with content-type ${a.headers['content-type']}: ${a.body.toString('utf8').slice(0, 200)}`;
  let body: any;
  try {
    body = JSON.parse(a.body.toString('utf8'));
  } catch {
    return `${a.status} with a problem body that is not JSON`;
  }
  if (body.status !== a.status || typeof body.code !== 'string' || typeof body.title !== 'string') return `${a.status} with a malformed problem ${JSON.stringify(body).slice(0, 200)}`;
  return undefined;
}

/** Opens one stream (authenticated by header or not), sends the frames, and checks what comes back. */
async function frameConnection(app: Appliance, auth: boolean, frames: { category: string; frame: FuzzFrame }[], f: Figures): Promise<void> {
  const ws = new WebSocket(`ws://${app.host}:${app.port}/v1/stream`, { headers: auth ? { authorization: `Bearer ${app.token}` } : {} });
  f.connections++;
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => undefined); // the close code says what happened
  ws.on('message', (data, isBinary) => {
    let msg: any;
    try {
      msg = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      // recorded below
    }
    if (!msg || !SERVER_TYPES.has(msg.type)) f.findings.push(`stream: a server message that is not one of ours: ${String(data).slice(0, 200)}`);
    else if (msg.type === 'error' && typeof msg.code !== 'string') f.findings.push(`stream: an error without a code: ${String(data).slice(0, 200)}`);
    if (msg?.type) bump(f.serverMessages, msg.type === 'error' ? `error:${msg.code}` : msg.type);
  });
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('unexpected-response', (_q, res) => {
      f.findings.push(`stream: the upgrade was answered ${res.statusCode}`);
      resolve(false);
    });
    ws.once('close', () => resolve(false));
  });
  if (!opened) return;
  for (const { category, frame } of frames) {
    if (ws.readyState !== WebSocket.OPEN) break;
    f.frames++;
    bump(f.byCategory, `frame:${category}`);
    if (frame.kind === 'raw') (ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(frame.data);
    else ws.send(frame.data, { binary: frame.kind === 'binary' });
    await new Promise((r) => setTimeout(r, 5));
  }
  // Let the server answer, then hang up (unless it closed first).
  const code = await Promise.race([closed, new Promise<undefined>((r) => setTimeout(r, 50))]);
  if (code === undefined) {
    ws.close(1000);
    const t = setTimeout(() => ws.terminate(), 2000);
    await closed;
    clearTimeout(t);
    bump(f.closeCodes, 'client');
    return;
  }
  bump(f.closeCodes, code);
  if (!ALLOWED_CLOSE.has(code)) f.findings.push(`stream: closed by the server with ${code}`);
}

async function keepSignedIn(app: Appliance): Promise<void> {
  const res = await fetch(`${app.url}/v1/me`, { headers: { authorization: `Bearer ${app.token}` } });
  if (res.status === 401) await app.signIn();
}
