/**
 * Broker lifecycle and probing helpers for the conformance suite: one broker per
 * `describe` block, a deadline on a promise, JSON over the monitoring port, the broker's
 * resident memory.
 */
import { after, before } from 'node:test';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { start, type Running, type Target } from './targets.ts';

/**
 * The bound on one target's `describe` block: a broker that stops answering fails that
 * block's remaining tests (its `after` hook still stops the broker) instead of hanging the run.
 */
export const SUITE_TIMEOUT = 60_000;

/**
 * Starts `target` with configuration `confText` before the tests of the enclosing
 * `describe` and stops it after them; returns a getter, since the broker exists only once
 * the `before` hook has run.
 */
export function useBroker(target: Target, confText: string, extra: string[] = []): () => Running {
  let running: Running | undefined;
  before(async () => {
    running = await start(target, confText, extra);
  });
  after(async () => {
    await running?.stop();
  });
  return () => {
    if (!running) throw new Error(`${target.name} is not running`);
    return running;
  };
}

/** Resolves with what `p` resolves to, or with `timedOut` once `ms` pass first (clearing its timer). */
export function within<T, U>(p: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<U>((r) => (timer = setTimeout(() => r(timedOut), Math.max(0, ms))));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** An HTTP answer from the monitoring port. */
export interface HttpAnswer<T> {
  status: number;
  contentType: string;
  body: T;
}

/** GETs `path` from 127.0.0.1:`port` and parses the body as JSON (1 s deadline). */
export function getJson<T = Record<string, unknown>>(port: number, path: string): Promise<HttpAnswer<T>> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 1000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: JSON.parse(text) as T });
        } catch (e) {
          reject(new Error(`GET ${path} returned non-JSON: ${JSON.stringify(text.slice(0, 200))}`, { cause: e }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

/** The resident set size of process `pid` in bytes, from /proc (Linux only). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
