/**
 * "Export my data": start the export saga (sagas/export.ts), show where the person's latest
 * export stands, and read its archive in chunks for the gateway's download. A link runs out
 * `users.export_link_hours` after the archive was made: then its directory is removed (on the
 * next look at it, or by the sweep every ten minutes) and the download answers 410. An
 * erased account's exports go when `user.deleted` is seen, else at the next sweep.
 */
import { open } from 'node:fs/promises';
import { sagas, users } from '../../../src/contracts/index.ts';
import { AppError } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { exportPaths, listExports, readMeta, removeExport, removeExportsOf, type ExportMeta } from '../store/exports.ts';
import { mountExportSaga } from '../sagas/export.ts';

const SWEEP_MS = 10 * 60_000;

type Latest = { id: string; state: string; step: number; createdAt: string; lastError: string | null };

/** Registers the export commands and the sweep of expired exports. */
export function handleExport(d: Deps): void {
  const { handle: exports, stepNames } = mountExportSaga(d);
  const root = d.settings.exportsDir;

  const latest = async (userId: string): Promise<Latest | undefined> => {
    const [r] = await d.db.query('SELECT id, state, step, created_at, last_error FROM kit_sagas WHERE type = ? AND key = ? ORDER BY id DESC LIMIT 1', [sagas.EXPORT_SAGA, `user:${userId}`]);
    return r && { id: String(r.id), state: String(r.state), step: Number(r.step), createdAt: String(r.created_at), lastError: r.last_error == null ? null : String(r.last_error) };
  };
  /** The archive's record if its link still works; an expired one is removed here. */
  const live = async (sagaId: string): Promise<ExportMeta | 'expired'> => {
    const meta = await readMeta(root, sagaId);
    if (meta && Date.parse(meta.expiresAt) > d.api.now()) return meta;
    await removeExport(root, sagaId);
    return 'expired';
  };

  d.api.handle(sagas.StartExport, (req, ctx) => ctx.write(async (tx) => {
    const started = await exports.start(tx, { userId: req.actor.userId }, { key: `user:${req.actor.userId}` });
    return { sagaId: started.sagaId, status: started.state };
  }));

  d.api.handle(sagas.GetExport, async (req) => {
    const s = await latest(req.actor.userId);
    const none = { sagaId: null, step: null, startedAt: null, expiresAt: null, size: null, download: null, error: null };
    if (!s) return { ...none, state: 'none' as const };
    const base = { ...none, sagaId: s.id, startedAt: s.createdAt };
    if (s.state === 'running' || s.state === 'compensating') return { ...base, state: 'running' as const, step: stepNames[s.step] ?? null };
    if (s.state !== 'completed') return { ...base, state: 'failed' as const, error: s.lastError ? (JSON.parse(s.lastError) as { message: string }).message : s.state };
    const meta = await live(s.id);
    if (meta === 'expired') return { ...base, state: 'expired' as const };
    return { ...base, state: 'ready' as const, expiresAt: meta.expiresAt, size: meta.size, download: '/v1/me/export/download' };
  });

  d.api.handle(sagas.ReadExport, async (req) => {
    const s = await latest(req.actor.userId);
    if (!s || s.state !== 'completed') throw new AppError('not_found', 'export.not_found', 'No export is ready; start one with POST /v1/me/export');
    const meta = await live(s.id);
    if (meta === 'expired') throw new AppError('not_found', 'export.expired', 'The download link has expired; start a new export');
    const fh = await open(exportPaths(root, s.id).archive, 'r');
    try {
      const data = new Uint8Array(Math.max(0, Math.min(req.length, meta.size - req.offset)));
      const { bytesRead } = data.length ? await fh.read(data, 0, data.length, req.offset) : { bytesRead: 0 };
      return { data: data.subarray(0, bytesRead), size: meta.size, fileName: meta.fileName, sagaId: s.id };
    } finally {
      await fh.close();
    }
  });

  // Expired archives go even when nobody looks again; so do the leftovers of failed exports.
  const sweep = async () => {
    for (const id of await listExports(root)) {
      const [r] = await d.db.query('SELECT state FROM kit_sagas WHERE id = ?', [id]);
      const state = r ? String(r.state) : 'gone';
      if (state === 'running' || state === 'compensating') continue;
      // An account erased meanwhile: its archive holds the e-mail and name, so it goes at once.
      const owner = (await readMeta(root, id))?.userId;
      if (owner && (await d.db.query('SELECT 1 FROM users WHERE id = ?', [owner])).length === 0) {
        await removeExport(root, id);
        continue;
      }
      if (state === 'completed' && (await live(id)) !== 'expired') continue;
      await removeExport(root, id);
    }
  };
  d.api.subscribe(users.UserDeleted.subject, (e) => {
    const { userId } = e.data as { userId: string };
    void removeExportsOf(d.db, root, userId).catch((err: unknown) => d.api.log.warn('could not remove the exports of an erased account', { err }));
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  const run = () => void sweep().catch((err: unknown) => d.api.log.warn('could not sweep expired exports', { err }));
  d.api.onStart(() => {
    run();
    timer = setInterval(run, SWEEP_MS);
    timer.unref?.();
  });
  d.api.onStop(() => clearInterval(timer));
}
