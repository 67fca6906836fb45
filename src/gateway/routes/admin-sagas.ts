/**
 * The instance admin's view of the sagas (docs/sagas.md): every flow that spans services —
 * an account or a group being deleted, an export — with its state, its steps and what it
 * waits for. Each service answers its own `sagas.list` / `sagas.get` (kit/saga/ops.ts; the
 * operations carry no actor, so who may see them is decided here); the gateway asks every
 * service it knows and merges the lists, newest first. A service that does not answer is
 * named in `unavailable` instead of failing the whole list: that is when the admin most
 * needs to see the rest.
 *
 * A person sees their own sagas through the routes of each flow (`GET /v1/me/deletion`, …),
 * never here: a saga's key names whose it is.
 */
import * as v from 'valibot';
import { AppError, sagaGetOp, sagaListOp, SagaState, SagaView } from '../../kit/index.ts';
import { route } from '../route-spec.ts';
import { requireInstanceAdmin } from './admin-backups.ts';
import { PageLimit } from './shapes.ts';

const tag = 'admin';
const MAX_PAGE = 200;
/** How long one service may take to answer before the list is given without it. */
const LIST_TIMEOUT_MS = 3000;

const SagaId = v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/, 'must be a saga id'));

const SagaList = v.object({
  sagas: v.array(v.object({ ...SagaView.entries, service: v.string() })),
  /** Services that did not answer (their sagas are missing from this page). */
  unavailable: v.array(v.string()),
});

/** The saga routes. */
export const adminSagaRoutes = [
  route({
    method: 'GET',
    path: '/v1/admin/sagas',
    summary: 'Every service’s sagas, newest first, with their steps (instance admin only)',
    tag,
    access: 'session',
    query: v.object({
      state: v.optional(v.picklist(Object.values(SagaState), `must be one of ${Object.values(SagaState).join(', ')}`)),
      type: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,99}$/, 'must be a saga type'))),
      before: v.optional(SagaId),
      limit: PageLimit(MAX_PAGE),
    }),
    reply: SagaList,
    handle: async (i) => {
      await requireInstanceAdmin(i);
      const { state, type, before } = i.query;
      const limit = i.query.limit ?? 50;
      const filter = { ...(state ? { state } : {}), ...(type ? { type } : {}), ...(before ? { before } : {}), limit };
      const unavailable: string[] = [];
      const pages = await Promise.all(
        i.deps.readyServices.map(async (service) => {
          try {
            const { sagas } = await i.deps.upstream.call(sagaListOp(service), filter, i.requestId, { timeoutMs: LIST_TIMEOUT_MS, retry: false, breaker: false });
            return sagas.map((s) => ({ ...s, service }));
          } catch {
            unavailable.push(service);
            return [];
          }
        }),
      );
      // UUIDv7 ids order by creation time, across services: one merge gives one page.
      const sagas = pages.flat().sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
      return Response.json({ sagas, unavailable: unavailable.sort() }, { headers: { 'cache-control': 'no-store' } });
    },
  }),
  route({
    method: 'GET',
    path: '/v1/admin/sagas/:sagaId',
    summary: 'One saga, from whichever service orchestrates it (instance admin only)',
    tag,
    access: 'session',
    params: v.strictObject({ sagaId: SagaId }),
    reply: v.object({ ...SagaView.entries, service: v.string() }),
    handle: async (i) => {
      await requireInstanceAdmin(i);
      let unanswered = false;
      const found = await Promise.all(
        i.deps.readyServices.map(async (service) => {
          try {
            return { ...(await i.deps.upstream.call(sagaGetOp(service), { id: i.params.sagaId }, i.requestId, { timeoutMs: LIST_TIMEOUT_MS, retry: false, breaker: false })), service };
          } catch (err) {
            if (!(err instanceof AppError && err.code === 'kit.no_such_saga')) unanswered = true;
            return undefined;
          }
        }),
      );
      const saga = found.find((s) => s !== undefined);
      if (saga) return Response.json(saga, { headers: { 'cache-control': 'no-store' } });
      if (unanswered) throw new AppError('unavailable', 'gateway.saga_unknown_yet', 'Not every service answered: the saga may be in one that is down; ask again');
      throw new AppError('not_found', 'kit.no_such_saga', `No saga ${i.params.sagaId}`);
    },
  }),
];
