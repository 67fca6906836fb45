/**
 * Request/reply through a real broker to the `ledger` test service running in this process:
 * replies, typed and untyped errors, trace ids into events, everything a raw client can
 * throw at a service, and the health answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { headers, type NatsConnection } from 'nats';
import { AppError, encode, healthOp, logReadOp, Requester, uuidv7Time, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, Explode, GetTotal } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { client, rawRequest, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { logSink, startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

const MAX_REQUEST_BYTES = 1024;

describe('request/reply with the ledger service', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('reqrep');
  const logs = logSink();
  let svc: RunningService;
  let nc: NatsConnection;
  let req: Requester;

  before(async () => {
    svc = await startService(ledger, broker().url, join(dir, 'ledger.db'), { maxRequestBytes: MAX_REQUEST_BYTES, log: logs.options });
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 3000, maxRequestBytes: 1 << 20 });
  });
  after(async () => {
    await svc?.stop();
    await nc?.close();
  });

  const readLog = async (after: number) => (await req.request(logReadOp('ledger'), { after, limit: 1000 })).events;

  describe('end to end', () => {
    it('adds entries and reads their total', async () => {
      const a = await req.request(AddEntry, { key: 'rent', amount: 500 });
      const b = await req.request(AddEntry, { key: 'rent', amount: -120 });
      assert.equal(b.seq, a.seq + 1);
      assert.equal(b.total, 380);
      assert.deepEqual(await req.request(GetTotal, { key: 'rent' }), { key: 'rent', total: 380, entries: 2 });
    });

    it('rebuilds a typed error on the caller side with its code, kind and details', async () => {
      await assert.rejects(
        req.request(GetTotal, { key: 'nobody' }),
        (e: unknown) =>
          e instanceof AppError && e.code === 'ledger.no_such_key' && e.kind === 'not_found' && e.message === 'No entries under nobody' && (e.details as { key: string }).key === 'nobody',
      );
    });

    it('answers an untyped throw with kit.internal and a generic message, logging the original', async () => {
      await assert.rejects(req.request(Explode, {}, { correlationId: 'corr-explode' }), (e: unknown) => {
        assert.ok(e instanceof AppError);
        assert.equal(e.code, 'kit.internal');
        assert.equal(e.kind, 'internal');
        assert.equal(e.message, 'Internal error');
        assert.doesNotMatch(JSON.stringify(e.details ?? {}), /boom/);
        return true;
      });
      const line = logs.lines.find((l) => l.msg === 'handler failed' && l.correlation_id === 'corr-explode');
      assert.ok(line, 'no error line with the correlation id');
      assert.equal((line.err as { message: string }).message, 'boom');
    });

    it('carries the correlation id of the request into the events it causes, with the request id as causation', async () => {
      const { seq } = await req.request(AddEntry, { key: 'trace', amount: 1 }, { correlationId: 'corr-42', causationId: 'upstream-event' });
      const [e] = await readLog(seq - 1);
      assert.equal(e!.seq, seq);
      assert.equal(e!.correlationId, 'corr-42');
      assert.notEqual(e!.causationId, 'upstream-event'); // the cause of the event is this request, not what caused the request
      assert.ok(Math.abs(uuidv7Time(e!.causationId) - Date.now()) < 60_000, `causation ${e!.causationId} is not a fresh request id`);
    });

    it('uses the request id as both correlation and causation when the caller sends no correlation id', async () => {
      const { seq } = await req.request(AddEntry, { key: 'trace', amount: 2 });
      const [e] = await readLog(seq - 1);
      assert.ok(e!.correlationId.length > 0);
      assert.equal(e!.causationId, e!.correlationId);
    });

    it('gives each request its own request id', async () => {
      const one = await req.request(AddEntry, { key: 'ids', amount: 1 });
      const two = await req.request(AddEntry, { key: 'ids', amount: 1 });
      const events = await readLog(one.seq - 1);
      assert.notEqual(events.find((e) => e.seq === one.seq)!.causationId, events.find((e) => e.seq === two.seq)!.causationId);
    });
  });

  describe('bad input from a raw client', () => {
    const expectError = async (reply: Promise<Awaited<ReturnType<typeof rawRequest>>>, code: string, kind: string) => {
      const body = await reply;
      assert.equal(body.ok, undefined, `answered ok: ${JSON.stringify(body.ok)}`);
      assert.equal(body.error?.code, code, JSON.stringify(body.error));
      assert.equal(body.error?.kind, kind);
      return body.error!;
    };

    it('answers malformed MessagePack with kit.bad_payload', async () => {
      await expectError(rawRequest(nc, 'svc.ledger.add', new Uint8Array([0x82, 0xa3, 0x6b])), 'kit.bad_payload', 'validation');
      await expectError(rawRequest(nc, 'svc.ledger.add', new TextEncoder().encode('{"key":"a","amount":1}')), 'kit.bad_payload', 'validation');
    });

    it('answers a request that does not match the schema with kit.invalid_request and the issue paths', async () => {
      const err = await expectError(rawRequest(nc, 'svc.ledger.add', encode({ key: '', amount: 1.5 })), 'kit.invalid_request', 'validation');
      const paths = (err.details as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
      assert.deepEqual(paths, ['amount', 'key']);
      const extra = await expectError(rawRequest(nc, 'svc.ledger.add', encode({ key: 'a', amount: 1, admin: true })), 'kit.invalid_request', 'validation');
      assert.deepEqual((extra.details as { issues: { path: string }[] }).issues.map((i) => i.path), ['admin']);
    });

    it('answers an empty body on an operation that needs one with kit.invalid_request', async () => {
      await expectError(rawRequest(nc, 'svc.ledger.get', new Uint8Array(0)), 'kit.invalid_request', 'validation');
    });

    it('answers an unknown operation with kit.unknown_operation instead of a timeout', async () => {
      const err = await expectError(rawRequest(nc, 'svc.ledger.nope', encode({})), 'kit.unknown_operation', 'not_found');
      assert.deepEqual(err.details, { subject: 'svc.ledger.nope' });
    });

    it('answers a body over maxRequestBytes with kit.payload_too_large before decoding it', async () => {
      const big = encode({ key: 'k'.repeat(MAX_REQUEST_BYTES), amount: 1 });
      const err = await expectError(rawRequest(nc, 'svc.ledger.add', big), 'kit.payload_too_large', 'too_large');
      assert.deepEqual(err.details, { bytes: big.length, limit: MAX_REQUEST_BYTES });
      const junk = new Uint8Array(MAX_REQUEST_BYTES + 1).fill(0xc1);
      await expectError(rawRequest(nc, 'svc.ledger.add', junk), 'kit.payload_too_large', 'too_large');
    });

    it('answers a newer contract version than it speaks with kit.unsupported_version', async () => {
      const h = headers();
      h.set('Hearth-Version', '2');
      const err = await expectError(rawRequest(nc, 'svc.ledger.get', encode({ key: 'rent' }), h), 'kit.unsupported_version', 'validation');
      assert.deepEqual(err.details, { supported: 1 });
      const same = headers();
      same.set('Hearth-Version', '1');
      assert.deepEqual((await rawRequest(nc, 'svc.ledger.get', encode({ key: 'rent' }), same)).ok, { key: 'rent', total: 380, entries: 2 });
    });

    it('still answers normally after all of that', async () => {
      assert.deepEqual((await rawRequest(nc, 'svc.ledger.get', encode({ key: 'rent' }))).ok, { key: 'rent', total: 380, entries: 2 });
      const { seq } = await req.request(AddEntry, { key: 'after', amount: 3 });
      assert.ok(seq > 0);
    });
  });

  describe('health', () => {
    it('answers sys.health.ledger with status ok, the log head, the relay position and its consumers', async () => {
      const { seq } = await req.request(AddEntry, { key: 'health', amount: 1 });
      const health = await waitFor('the relay to publish the last entry', async () => {
        const h = await req.request(healthOp('ledger'), {});
        return h.published === seq && h;
      });
      assert.equal(health.service, 'ledger');
      assert.equal(health.status, 'ok');
      assert.equal(health.head, seq);
      assert.deepEqual(health.consumers, {});
      assert.equal(health.pid, process.pid);
      assert.ok(health.uptimeMs >= 0);
    });

    it('answers a health request with an empty body', async () => {
      const body = await rawRequest(nc, 'sys.health.ledger', new Uint8Array(0));
      assert.equal((body.ok as { status: string }).status, 'ok');
    });
  });
});
