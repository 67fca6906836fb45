/**
 * What every service answers about its sagas: `svc.<service>.sagas.list` (newest first, with
 * filters) and `svc.<service>.sagas.get` (one by id). A service that orchestrates none answers
 * an empty list. The gateway offers them (`GET /v1/admin/sagas`, a user's own saga status).
 */
import * as v from 'valibot';
import type { Operation } from '../contract.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type { SagaDefinition } from './define.ts';
import { listSagas, loadSaga, loadSteps, SagaState, type SagaRow, type StepRow } from './store.ts';

const ErrorView = v.nullable(v.object({ code: v.string(), message: v.string() }));

/** One step as shown: each step of the saga's definition, begun or not. */
export const SagaStepView = v.object({
  name: v.string(),
  kind: v.picklist(['call', 'pages', 'until', 'local']),
  /** Who does it: the participant service, or the orchestrator itself for a local step. */
  participant: v.string(),
  status: v.picklist(['pending', 'running', 'done', 'failed', 'compensating', 'compensated']),
  attempts: v.number(),
  undoAttempts: v.number(),
  pages: v.number(),
  lastError: ErrorView,
  startedAt: v.nullable(v.string()),
  doneAt: v.nullable(v.string()),
});

/** One saga as shown (its input is not: it may name people). */
export const SagaView = v.object({
  id: v.string(),
  type: v.string(),
  key: v.nullable(v.string()),
  state: v.picklist(Object.values(SagaState)),
  /** The step running or being compensated (null once ended). */
  step: v.nullable(v.string()),
  waitingFor: v.nullable(v.string()),
  nextAttemptAt: v.nullable(v.string()),
  deadline: v.nullable(v.string()),
  lastError: ErrorView,
  createdAt: v.string(),
  updatedAt: v.string(),
  finishedAt: v.nullable(v.string()),
  steps: v.array(SagaStepView),
});
export type SagaView = v.InferOutput<typeof SagaView>;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

/** `svc.<service>.sagas.list`: sagas newest first; `before` is the last id of the previous page. */
export const sagaListOp = (service: string) => ({
  kind: 'query',
  service,
  name: 'sagas.list',
  subject: `svc.${service}.sagas.list`,
  version: 1,
  request: v.strictObject({
    state: v.optional(v.picklist(Object.values(SagaState))),
    type: v.optional(v.pipe(v.string(), v.maxLength(100))),
    key: v.optional(v.pipe(v.string(), v.maxLength(200))),
    before: v.optional(Id),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50),
  }),
  reply: v.object({ sagas: v.array(SagaView) }),
  idempotent: true,
}) satisfies Operation;

/** `svc.<service>.sagas.get`: one saga; `kit.no_such_saga` when there is none. */
export const sagaGetOp = (service: string) => ({
  kind: 'query',
  service,
  name: 'sagas.get',
  subject: `svc.${service}.sagas.get`,
  version: 1,
  request: v.strictObject({ id: Id }),
  reply: SagaView,
  idempotent: true,
}) satisfies Operation;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The view of saga `s` with its step rows, named and typed by its definition when known. */
export function sagaView(s: SagaRow, rows: StepRow[], def: SagaDefinition<unknown> | undefined, service: string): SagaView {
  const active = s.state === 'running' || s.state === 'compensating';
  const byPos = new Map(rows.map((r) => [r.position, r]));
  const steps = def
    ? def.steps.map((d, i) => ({ d, r: byPos.get(i) }))
    : rows.map((r) => ({ d: undefined, r }));
  return {
    id: s.id,
    type: s.type,
    key: s.key,
    state: s.state,
    step: active ? (def?.steps[s.step]?.name ?? byPos.get(s.step)?.name ?? null) : null,
    waitingFor: active ? s.waitingFor : null,
    nextAttemptAt: active ? iso(s.nextAt) : null,
    deadline: iso(s.deadlineAt),
    lastError: s.lastError,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    finishedAt: s.finishedAt,
    steps: steps.map(({ d, r }) => ({
      name: d?.name ?? r!.name,
      kind: d?.kind ?? 'call',
      participant: d && d.kind !== 'local' ? d.send.service : service,
      status: r?.status ?? 'pending',
      attempts: r?.attempts ?? 0,
      undoAttempts: r?.undoAttempts ?? 0,
      pages: r?.pages ?? 0,
      lastError: r?.lastError ?? null,
      startedAt: r?.startedAt ?? null,
      doneAt: r?.doneAt ?? null,
    })),
  };
}

/** Answers the two operations from `db`. */
export function sagaQueries(db: Db, service: string, defs: (type: string) => SagaDefinition<unknown> | undefined) {
  return {
    async list(f: v.InferOutput<ReturnType<typeof sagaListOp>['request']>) {
      const rows = await listSagas(db, f);
      return { sagas: await Promise.all(rows.map(async (s) => sagaView(s, await loadSteps(db, s.id), defs(s.type), service))) };
    },
    async get({ id }: { id: string }) {
      const s = await loadSaga(db, id);
      if (!s) throw new AppError('not_found', 'kit.no_such_saga', `No saga ${id}`, { sagaId: id });
      return sagaView(s, await loadSteps(db, id), defs(s.type), service);
    },
  };
}
