/**
 * The broker for tests that run Hearth's pieces in this process: an embedded broker per
 * file, a plain client, raw requests, and a subscriber that collects event envelopes.
 */
import { after, before } from 'node:test';
import { connect, type MsgHdrs, type NatsConnection } from 'nats';
import { createLogger as brokerLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { decode, type Envelope } from '../../src/kit/index.ts';

/** Starts an embedded broker before the file's tests and closes it after; returns a getter. */
export function useBroker(): () => Broker {
  let broker: Broker | undefined;
  before(async () => {
    broker = await startBroker({ port: -1 }, brokerLogger({ debug: false, trace: false, quiet: true }));
  });
  after(async () => {
    await broker?.close();
  });
  return () => {
    if (!broker) throw new Error('the broker is not running');
    return broker;
  };
}

/** A plain client connection; the caller closes it. */
export function client(url: string, name = 'test'): Promise<NatsConnection> {
  return connect({ servers: url, name });
}

/** Sends raw bytes as a request and decodes the raw reply body. */
export async function rawRequest(nc: NatsConnection, subject: string, bytes: Uint8Array, headers?: MsgHdrs): Promise<{ ok?: unknown; error?: { code: string; kind: string; message: string; details?: unknown } }> {
  const msg = await nc.request(subject, bytes, { timeout: 3000, ...(headers ? { headers } : {}) });
  return decode(msg.data) as { ok?: unknown; error?: { code: string; kind: string; message: string; details?: unknown } };
}

/** Collects the envelopes published on `subject` (and their headers), in arrival order. */
export function collectEvents(nc: NatsConnection, subject: string): { envelopes: Envelope[]; headers: (MsgHdrs | undefined)[]; seqs: () => number[] } {
  const envelopes: Envelope[] = [];
  const headers: (MsgHdrs | undefined)[] = [];
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      envelopes.push(decode(msg.data) as Envelope);
      headers.push(msg.headers);
    },
  });
  return { envelopes, headers, seqs: () => envelopes.map((e) => e.seq) };
}
