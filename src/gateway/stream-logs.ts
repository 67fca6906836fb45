/**
 * What the stream's `Last-Event-ID` replay reads (stream/replay.ts): the logs of the services
 * whose events the stream carries, who each of their events is for — decided as live
 * delivery decides it (a users event is a group's when it changes that group, as the read
 * model's listeners hear it; location and chat events by `groupOf`; notifications by
 * `recipientOf`) — and where each log stood when this gateway's stream started.
 */
import { logReadOp, sleep, type Envelope, type Logger, type ServiceApi } from '../kit/index.ts';
import { changesOf } from './consumers/users.ts';
import { groupOf, recipientOf } from './live-routes.ts';
import type { Audience, StreamHandle, StreamLogs } from './stream/index.ts';

/** The services whose events reach the stream. */
export const STREAM_SOURCES = ['users', 'location', 'chat', 'notifications'] as const;

/**
 * Who an event read from a log is for (undefined: no stream gets it).
 *
 * @example
 * audienceOf(messageSent); // { groupId }
 */
export function audienceOf(event: Envelope): Audience | undefined {
  if (event.source === 'notifications') {
    const userId = recipientOf(event);
    return userId ? { userId } : undefined;
  }
  if (event.source === 'users') {
    let changes;
    try {
      changes = changesOf(event);
    } catch {
      return undefined; // data its contract refuses: the gateway's consumer stepped over it too
    }
    const groupId = changes.map((c) => ('groupId' in c ? c.groupId : undefined)).find((g) => g !== undefined);
    return groupId === undefined ? undefined : { groupId };
  }
  const groupId = groupOf(event);
  return groupId ? { groupId } : undefined;
}

/** The logs, read over the broker around the circuit breakers (a resume must not open the one users' requests go through). */
export function streamLogs(request: ServiceApi['request']): StreamLogs {
  return {
    sources: STREAM_SOURCES,
    read: (source, after, limit) => request(logReadOp(source), { after, limit }, { breaker: false }),
    audienceOf,
  };
}

/**
 * Seeds the stream's positions: users where the gateway's own consumer stands (its
 * checkpoint: group events reach the stream through it), the others at their log's head
 * (their events reach it live), asked again every second until each answers.
 */
export async function seedPositions(api: Pick<ServiceApi, 'db' | 'request'>, stream: Pick<StreamHandle, 'seed'>, log: Logger, stopped: () => boolean): Promise<void> {
  const row = (await api.db.query('SELECT seq, epochs FROM kit_checkpoints WHERE source = ?', ['users']))[0];
  stream.seed('users', Number(row?.seq ?? 0), lastEpoch(row?.epochs));
  let waiting: string[] = STREAM_SOURCES.filter((s) => s !== 'users');
  for (let attempt = 0; waiting.length && !stopped(); attempt++) {
    if (attempt > 0) await sleep(1000);
    const left: string[] = [];
    await Promise.all(
      waiting.map(async (source) => {
        try {
          const page = await api.request(logReadOp(source), { after: Number.MAX_SAFE_INTEGER, limit: 1 }, { breaker: false });
          stream.seed(source, page.head, page.epochs?.at(-1)?.id);
        } catch (err) {
          left.push(source);
          if (attempt === 30) log.warn('the stream does not know where a log stands yet; resumes are reset until it does', { source, err });
        }
      }),
    );
    waiting = left;
  }
}

// `kit_checkpoints.epochs` is `[[id, base], …]`, the producer's current epoch last.
function lastEpoch(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const rows = JSON.parse(text) as unknown;
    const last = Array.isArray(rows) ? (rows.at(-1) as unknown) : undefined;
    return Array.isArray(last) && typeof last[0] === 'string' ? last[0] : undefined;
  } catch {
    return undefined;
  }
}
