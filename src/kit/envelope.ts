/**
 * The kit's own messages: the event envelope every event travels in, the event-log read
 * (`log.<service>.read`) and the health answer (`sys.health.<service>`). Services declare
 * their own messages in `src/contracts`; these belong to the runtime under all of them.
 */
import * as v from 'valibot';
import type { Operation } from './contract.ts';

/** Every event, on the wire and in the log. */
export interface Envelope<D = unknown> {
  /** UUIDv7. */
  id: string;
  type: string;
  version: number;
  /** Position in the producing service's log: 1, 2, 3 … without gaps. */
  seq: number;
  /** ISO-8601 commit time. */
  at: string;
  /** The producing service. */
  source: string;
  /** The aggregate or stream the event belongs to (e.g. `group:0190…`), or "". */
  stream: string;
  correlationId: string;
  causationId: string;
  data: D;
  /**
   * The producer's epoch when it published the event (see es/epoch.ts): set on live events
   * by the relay, absent in log pages (the page's `epochs` says it) and from older producers.
   */
  epoch?: string;
}

/** One epoch of a service's log: its id and the head at which it began (0 for the first). */
export interface EpochInfo {
  id: string;
  base: number;
}

/** Schema of an envelope (data left to the event's own schema). */
export const EnvelopeSchema = v.object({
  id: v.string(),
  type: v.string(),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  at: v.string(),
  source: v.string(),
  stream: v.string(),
  correlationId: v.string(),
  causationId: v.string(),
  data: v.unknown(),
  epoch: v.optional(v.string()),
}) as v.GenericSchema<unknown, Envelope>;

/** Most events one `log.<service>.read` returns. */
export const LOG_READ_MAX = 1000;

/** `log.<service>.read`: committed events with seq > after, oldest first. */
export const LogReadRequest = v.strictObject({
  after: v.pipe(v.number(), v.integer(), v.minValue(0)),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LOG_READ_MAX)), 100),
});

/**
 * The answer to a log read: the events, the log's head (last committed seq) and its epoch
 * history, oldest first, the current epoch last (absent from producers older than epochs).
 */
export const LogReadReply = v.object({
  events: v.array(EnvelopeSchema),
  head: v.pipe(v.number(), v.integer(), v.minValue(0)),
  epochs: v.optional(v.array(v.object({ id: v.string(), base: v.pipe(v.number(), v.integer(), v.minValue(0)) }))),
});

/**
 * `sys.health.<service>`: what an instance answers. `degraded` means it runs but cannot
 * serve: `code` says why (`storage.full`, `storage.corrupt`) and `reason` says it for the
 * owner (the file, and what to do).
 */
export const HealthReply = v.object({
  service: v.string(),
  status: v.picklist(['ok', 'starting', 'stopping', 'degraded']),
  code: v.optional(v.string()),
  reason: v.optional(v.string()),
  pid: v.number(),
  uptimeMs: v.number(),
  head: v.number(),
  published: v.number(),
  consumers: v.record(v.string(), v.number()),
  /** What the service reports about itself (e.g. the gateway's `url`). */
  info: v.optional(v.record(v.string(), v.string()), {}),
});
export type HealthReply = v.InferOutput<typeof HealthReply>;

/**
 * Continuous replication as the supervisor sees it (docs/operations.md): Litestream's
 * process, and per service database whether its replica is `ok`, `lagging`, `failing` or
 * `starting`, how far behind it is, and the last error Litestream reported for it.
 * A failing replica does not make Hearth not ready: the family can still use it.
 */
export const ReplicationReadiness = v.object({
  /** `ok`, or `degraded` when any database is lagging or failing or Litestream is not running. */
  status: v.string(),
  /** Where the replicas go (`replication.url`). */
  url: v.string(),
  litestream: v.object({ running: v.boolean(), pid: v.number(), restarts: v.number() }),
  databases: v.record(
    v.string(),
    v.object({
      status: v.string(),
      /** Seconds for which the replica has lacked writes Litestream has read from the database (0: it holds them all). */
      lagSeconds: v.number(),
      /** This database's replica (`/mnt/nas/hearth/chat`, `s3://bucket/prefix/chat`). */
      replica: v.string(),
      /** When Litestream last shipped something for this database (ISO time). */
      shippedAt: v.optional(v.string()),
      /** Errors Litestream reported for this database since Hearth started. */
      errors: v.number(),
      /** The last of them, and when; shown while nothing has been shipped since. */
      error: v.optional(v.string()),
      errorAt: v.optional(v.string()),
    }),
  ),
});
export type ReplicationReadiness = v.InferOutput<typeof ReplicationReadiness>;

/** `sys.ready`: the supervisor's view of every service (what `/readyz` shows). */
export const ReadinessReply = v.object({
  ready: v.boolean(),
  services: v.record(
    v.string(),
    v.object({
      status: v.string(),
      pid: v.optional(v.number()),
      head: v.optional(v.number()),
      published: v.optional(v.number()),
      info: v.optional(v.record(v.string(), v.string())),
      /** Why a degraded service cannot serve (`storage.full`, `storage.corrupt`) … */
      code: v.optional(v.string()),
      /** … in words for the owner, naming the file and what to do. */
      reason: v.optional(v.string()),
      error: v.optional(v.string()),
    }),
  ),
  /** Present when `replication.url` is set. */
  replication: v.optional(ReplicationReadiness),
});
export type ReadinessReply = v.InferOutput<typeof ReadinessReply>;

/** `sys.ready` as an operation: asks the supervisor whether every service is healthy. */
export const readinessOp: Operation<unknown, ReadinessReply> = {
  kind: 'query',
  service: 'supervisor',
  name: 'ready',
  subject: 'sys.ready',
  version: 1,
  request: v.unknown(),
  reply: ReadinessReply,
  idempotent: true,
};

/** Subjects of the kit's own messages. */
export const kitSubjects = {
  command: (service: string, name: string) => `svc.${service}.${name}`,
  event: (service: string, type: string) => `evt.${service}.${type}`,
  logRead: (service: string) => `log.${service}.read`,
  health: (service: string) => `sys.health.${service}`,
  inbox: (service: string) => `_INBOX.${service}`,
  /** Saga step operations a participant answers (saga/define.ts `sagaCommand`, `sagaQuery`). */
  sagaSteps: (service: string) => `saga.${service}.>`,
} as const;

/** NATS header names the kit uses. */
export const Headers = {
  correlation: 'Hearth-Correlation-Id',
  causation: 'Hearth-Causation-Id',
  version: 'Hearth-Version',
  /** The number of calls a batched request carries (bus/batch.ts). */
  batch: 'Hearth-Batch',
  /** An idempotency claim on a command (bus/idempotency.ts). */
  idempotency: 'Hearth-Idempotency',
  /** On a reply: the command was answered from its idempotency record, not applied again. */
  replayed: 'Hearth-Idempotent-Replayed',
} as const;
