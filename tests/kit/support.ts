/**
 * What only the kit's integration tests share: a range of sequence numbers, and a look at a
 * service's outbox from outside the service. The broker, the temp directory and the
 * in-process service are in tests/support/.
 */
import { openDb } from '../../src/kit/index.ts';

/** 1, 2 … n. */
export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Reads a service's database file from outside the service: the log head and the relay's position. */
export async function outboxState(dbPath: string): Promise<{ head: number; published: number }> {
  const db = await openDb({ path: dbPath });
  try {
    const [h] = await db.query('SELECT coalesce(max(seq), 0) AS head FROM kit_events');
    const [p] = await db.query('SELECT published FROM kit_relay WHERE id = 1');
    return { head: Number(h!.head), published: Number(p!.published) };
  } finally {
    db.close();
  }
}
