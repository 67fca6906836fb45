import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { holds, parsePosition, ReplicaHealth, shadowPosition } from './replica-health.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-replica-health-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'chat.db');

/** Lays out Litestream's shadow WAL for chat.db as v0.3.13 does: generation `g`, WAL files of these sizes. */
function shadow(g: string, sizes: Record<number, number>): void {
  const meta = join(dir, '.chat.db-litestream');
  rmSync(meta, { recursive: true, force: true });
  mkdirSync(join(meta, 'generations', g, 'wal'), { recursive: true });
  writeFileSync(join(meta, 'generation'), g);
  for (const [i, size] of Object.entries(sizes)) writeFileSync(join(meta, 'generations', g, 'wal', `${Number(i).toString(16).padStart(8, '0')}.wal`), Buffer.alloc(size));
}

const shipped = (position: string, sz: number, time: string) => ({ level: 'INFO', msg: 'wal segment written', db, replica: 'file', position, sz, time: new Date(time).toISOString() });

describe('positions', () => {
  it('reads where the shadow WAL ends: the last WAL file of the current generation', () => {
    assert.equal(shadowPosition(db), undefined);
    shadow('a1b2', { 0: 4152, 1: 32, 10: 8272 });
    assert.deepEqual(shadowPosition(db), { generation: 'a1b2', index: 10, offset: 8272 });
  });
  it('reads a logged position and compares them by generation, index and offset', () => {
    const p = parsePosition('a1b2/0000000a:4152')!;
    assert.deepEqual(p, { generation: 'a1b2', index: 10, offset: 4152 });
    assert.equal(parsePosition('nonsense'), undefined);
    assert.ok(holds({ ...p, offset: 8272 }, { generation: 'a1b2', index: 10, offset: 8272 }));
    assert.ok(holds({ ...p, index: 11, offset: 0 }, { generation: 'a1b2', index: 10, offset: 8272 }));
    assert.ok(!holds(p, { generation: 'a1b2', index: 10, offset: 8272 }));
    assert.ok(!holds({ ...p, generation: 'ffff', offset: 9000 }, { generation: 'a1b2', index: 10, offset: 8272 }), 'another generation holds nothing of this one');
  });
});

describe('ReplicaHealth', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000).toISOString();
  const health = new ReplicaHealth([{ service: 'chat', path: db, replica: '/r/chat' }], { url: 'file:///r', syncIntervalMs: 1000, now: () => now });
  const up = { running: true, pid: 42, restarts: 0 };
  const chat = () => health.state(up).databases.chat!;
  const tick = (s: number) => {
    now += s * 1000;
    health.look();
  };

  it('is starting until Litestream has read the database, then ok when nothing new has come since it started', () => {
    rmSync(join(dir, '.chat.db-litestream'), { recursive: true, force: true });
    health.started();
    tick(0);
    assert.equal(chat().status, 'starting');
    shadow('g1', { 0: 4152 });
    tick(1);
    assert.deepEqual(health.state(up), {
      status: 'ok', url: 'file:///r', litestream: up,
      databases: { chat: { status: 'ok', lagSeconds: 0, replica: '/r/chat', errors: 0 } },
    });
  });

  it('counts the lag from when it first saw the replica behind, and calls it lagging past two sync intervals and 3 s', () => {
    shadow('g1', { 0: 8272 });
    tick(1);
    tick(2);
    assert.deepEqual([chat().status, chat().lagSeconds], ['ok', 2]);
    tick(3);
    assert.deepEqual([chat().status, chat().lagSeconds], ['ok', 5], 'at 2 × 1 s + 3 s, not yet');
    tick(1);
    assert.deepEqual([chat().status, chat().lagSeconds], ['lagging', 6]);
    assert.equal(health.state(up).status, 'degraded');
    health.record(shipped('g1/00000000:0', 8272, at(8)));
    tick(1);
    assert.deepEqual([chat().status, chat().lagSeconds, chat().shippedAt], ['ok', 0, at(8)]);
  });

  it('is failing from an error until something is shipped after it', () => {
    shadow('g1', { 0: 12392 });
    health.record({ level: 'ERROR', msg: 'monitor error', db, replica: 'file', error: 'mkdir /r/chat: read-only file system', time: at(10) });
    tick(1);
    assert.deepEqual([chat().status, chat().error, chat().errorAt, chat().errors], ['failing', 'monitor error: mkdir /r/chat: read-only file system', at(10), 1]);
    health.record(shipped('g1/00000000:8272', 4120, at(12)));
    tick(1);
    assert.deepEqual([chat().status, chat().error, chat().errors], ['ok', undefined, 1]);
  });

  it('says every database is failing while Litestream is not running', () => {
    const d = health.state({ running: false, pid: 0, restarts: 3 });
    assert.equal(d.databases.chat!.status, 'failing');
    assert.match(d.databases.chat!.error!, /Litestream is not running/);
    assert.deepEqual(d.litestream, { running: false, pid: 0, restarts: 3 });
  });

  it('sees a new generation as not yet shipped, whatever the old one reached', () => {
    shadow('g2', { 0: 4152 });
    tick(1);
    tick(6);
    assert.equal(chat().status, 'lagging');
    health.record(shipped('g2/00000000:0', 4152, at(30)));
    tick(1);
    assert.equal(chat().status, 'ok');
  });
});
