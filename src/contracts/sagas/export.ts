/**
 * The contracts of the export saga (docs/sagas.md, "Exporting my data"): the orchestrator's
 * (users) commands and queries, and each participant's read (`sagaQuery`) of what it holds
 * about a person, page by page. A page belongs to one section (`fixes`, `messages` …) and
 * carries its records as JSON text, one per line, which the orchestrator stores as is.
 */
import * as v from 'valibot';
import { command, query, sagaQuery } from '../../kit/index.ts';
import { Actor, Id } from '../users.ts';

/** The saga's type (`kit_sagas.type`), keyed `user:<id>`. */
export const EXPORT_SAGA = 'export';

/** Where an export stands for its person. `expired`: it was ready, its link ran out and its files are gone. */
export const ExportState = v.picklist(['none', 'running', 'ready', 'failed', 'expired']);
export type ExportState = v.InferOutput<typeof ExportState>;

/** What `GET /v1/me/export` shows. `download` is the path of the download (`ready` only; signed in, until `expiresAt`). */
export const ExportStatus = v.object({
  state: ExportState,
  sagaId: v.nullable(v.string()),
  /** The step under way (`location`, `assemble` …) while running. */
  step: v.nullable(v.string()),
  startedAt: v.nullable(v.string()),
  /** When the link stops working (`ready`). */
  expiresAt: v.nullable(v.string()),
  /** The archive's size in bytes (`ready`). */
  size: v.nullable(v.number()),
  download: v.nullable(v.string()),
  /** Why it failed (`failed`). */
  error: v.nullable(v.string()),
});
export type ExportStatus = v.InferOutput<typeof ExportStatus>;

/** Starts an export of the actor's data (a running one is returned as it is; a finished one's files are removed). */
export const StartExport = command('users', 'export_start', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({ sagaId: v.string(), status: v.string() }),
});

/** The actor's latest export. */
export const GetExport = query('users', 'export_status', { version: 1, request: v.strictObject({ actor: Actor }), reply: ExportStatus });

/** The most a `ReadExport` returns at once: 256 KiB, a quarter of the default `broker.max_payload`. */
export const EXPORT_CHUNK_BYTES = 256 * 1024;

/**
 * Reads up to `length` bytes of the actor's ready archive from `offset`; `size` is the whole
 * file's. `export.not_found` (404) when there is none, `export.expired` (410) once its link ran out.
 */
export const ReadExport = query('users', 'export_read', {
  version: 1,
  request: v.strictObject({
    actor: Actor,
    offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
    length: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(EXPORT_CHUNK_BYTES)),
  }),
  reply: v.object({ data: v.instance(Uint8Array), size: v.number(), fileName: v.string(), sagaId: v.string() }),
});

// ── the participants' reads ───────────────────────────────────────────────────────────

/** What the orchestrator asks a participant for: one page of the person's data after `cursor` (opaque; none: the first). */
export const ExportPageRequest = v.strictObject({
  userId: Id,
  cursor: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  /** At most this many records (a participant also stops near `EXPORT_PAGE_BYTES`). */
  limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5000)),
});

/** One page: its number (from the cursor it answers), its section, its records as JSON text, and the next cursor (none: the last page). */
export const ExportPage = v.object({
  page: v.pipe(v.number(), v.integer(), v.minValue(0)),
  section: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*$/)),
  lines: v.array(v.string()),
  next: v.optional(v.string()),
});
export type ExportPage = v.InferOutput<typeof ExportPage>;

/** A page's records stop growing past this many bytes of JSON, well under `broker.max_payload`. */
export const EXPORT_PAGE_BYTES = 256 * 1024;

const pageOp = (participant: string) => sagaQuery(participant, 'export_page', { version: 1, request: ExportPageRequest, reply: ExportPage });

/** users' own data: profile, groups and roles, sessions and app passwords (no secrets). */
export const ExportUsersPage = pageOp('users');
/** location: fixes, places and suggestions created, sharing and journeys. */
export const ExportLocationPage = pageOp('location');
/** chat: messages written. */
export const ExportChatPage = pageOp('chat');
/** notifications: notifications received, preferences, targets (no secrets). */
export const ExportNotificationsPage = pageOp('notifications');
