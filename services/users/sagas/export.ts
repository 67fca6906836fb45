/**
 * The export saga (docs/sagas.md, "Exporting my data"), orchestrated here: `prepare` (the
 * person's earlier exports are removed), one `pages` step per service — users itself first
 * (its own read, over the broker like the others) — each page written as a part file named
 * by (step, page), then `assemble`, which streams the parts into one ZIP, records it with
 * its expiry and removes the parts. Also users' own read: profile, groups and roles,
 * sessions and app passwords, without secrets.
 */
import { sagas, users } from '../../../src/contracts/index.ts';
import { local, pages, readSectionPage, saga, type Operation, type SagaStep, type Section, type ServiceApi } from '../../../src/kit/index.ts';
import * as v from 'valibot';
import type { Deps } from '../deps.ts';
import { writeArchive, type Part } from './export-archive.ts';
import { exportPaths, listParts, readMeta, removeExport, sizeOf, writeMeta, writePart } from '../store/exports.ts';

type Input = { userId: string };

/** The participants, in the order their files appear in the archive. */
const PARTICIPANTS = [
  ['users', sagas.ExportUsersPage],
  ['location', sagas.ExportLocationPage],
  ['chat', sagas.ExportChatPage],
  ['notifications', sagas.ExportNotificationsPage],
] as const satisfies readonly (readonly [string, Operation])[];

/** A part's file name: step number and name, page number, section — all fixed by the step and its cursor. */
const partName = (n: number, step: string, page: sagas.ExportPage) => `${n}-${step}-${String(page.page).padStart(6, '0')}-${page.section}.jsonl`;
const PART = /^\d+-([a-z]+)-\d{6,}-([a-z][a-z0-9-]*)\.jsonl$/;

/** The saga, for the settings given. */
export function exportSaga(d: Deps) {
  const root = d.settings.exportsDir;
  const collect = PARTICIPANTS.map(([name, op], n): SagaStep<Input> => pages({
    name,
    send: op,
    request: ({ input }, cursor) => ({ userId: input.userId, limit: d.settings.exportPageRows, ...(cursor === undefined ? {} : { cursor }) }),
    store: (_tx, page, { sagaId }) => writePart(root, sagaId, partName(n + 1, name, page), page.lines),
    next: (page) => page.next,
  }));
  return saga<Input>({
    type: sagas.EXPORT_SAGA,
    input: v.object({ userId: users.Id }),
    // A service down for a day: give up (the person sees "failed" and may try again) rather than hold the key for ever.
    deadlineMs: 24 * 3600_000,
    steps: [
      local({
        name: 'prepare',
        run: async (tx, { sagaId, input }) => {
          const earlier = await tx.query("SELECT id FROM kit_sagas WHERE type = ? AND key = ? AND id <> ?", [sagas.EXPORT_SAGA, `user:${input.userId}`, sagaId]);
          for (const r of earlier) await removeExport(root, String(r.id));
          await removeExport(root, sagaId); // a crash after the first try: start from nothing
          return { removed: earlier.length };
        },
      }),
      ...collect,
      local({
        name: 'assemble',
        run: async (tx, { sagaId, input }) => {
          // Done already (a crash after the archive was recorded, before this step was): keep it.
          const done = await readMeta(root, sagaId);
          if (done) return { size: done.size, expiresAt: done.expiresAt };
          const parts: Part[] = (await listParts(root, sagaId)).map((p) => {
            const m = PART.exec(p.name)!;
            return { service: m[1]!, section: m[2]!, path: p.path };
          });
          const names = await tx.query('SELECT g.id, g.name FROM groups g JOIN members m ON m.group_id = g.id WHERE m.user_id = ?', [input.userId]);
          const createdAt = new Date(d.api.now()).toISOString();
          const paths = exportPaths(root, sagaId);
          await writeArchive(paths.archive, parts, { groupNames: new Map(names.map((r) => [String(r.id), String(r.name)])), createdAt });
          const meta = { sagaId, userId: input.userId, fileName: `hearth-export-${createdAt.slice(0, 10)}.zip`, size: await sizeOf(paths.archive), createdAt, expiresAt: new Date(d.api.now() + d.settings.exportLinkMs).toISOString() };
          await writeMeta(root, meta);
          await removeExport(root, `${sagaId}/parts`);
          return { size: meta.size, expiresAt: meta.expiresAt };
        },
      }),
    ],
    // The parts collected so far go at once; the person may start again.
    onFailed: (_tx, { sagaId }) => removeExport(root, sagaId),
    onCancelled: (_tx, { sagaId }) => removeExport(root, sagaId),
  });
}

/** users' own sections of the export. */
function ownSections(api: ServiceApi, userId: string): Section[] {
  const once = (name: string, sql: string, row: (r: Record<string, unknown>) => unknown): Section => ({
    name,
    read: async (after, limit) => {
      const rows = await api.db.query(`${sql} AND ${name === 'profile' ? 'id' : 'x.id'} > ? ORDER BY 1 LIMIT ?`, [userId, after?.[0] ?? '', limit]);
      return rows.map((r) => ({ key: [r.id], line: JSON.stringify(row(r)) }));
    },
  });
  return [
    once('profile', 'SELECT id, email, display_name, avatar, admin, created_at FROM users WHERE id = ?', (r) => ({ id: r.id, email: r.email, displayName: r.display_name, avatar: r.avatar ?? null, admin: Number(r.admin) === 1, createdAt: r.created_at })),
    once('groups', 'SELECT x.id, x.name, m.role, m.joined_at FROM members m JOIN groups x ON x.id = m.group_id WHERE m.user_id = ?', (r) => ({ groupId: r.id, name: r.name, role: r.role, joinedAt: r.joined_at })),
    once('sessions', 'SELECT x.id, x.device, x.created_at, x.last_used_at, x.revoked_at, x.revoked_reason FROM sessions x WHERE x.user_id = ?', (r) => ({ id: r.id, device: r.device, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at ?? null, revokedReason: r.revoked_reason ?? null })),
    once('app-passwords', 'SELECT x.id, x.label, x.created_at, x.last_used_at FROM app_passwords x WHERE x.user_id = ?', (r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at ?? null })),
  ];
}

/** Registers the saga and users' own read; returns the handle the export commands start it with, and its step names in order. */
export function mountExportSaga(d: Deps) {
  d.api.handle(sagas.ExportUsersPage, ({ data }) => readSectionPage(ownSections(d.api, data.userId), data.cursor, data.limit, sagas.EXPORT_PAGE_BYTES));
  const def = exportSaga(d);
  return { handle: d.api.saga(def), stepNames: def.steps.map((s) => s.name) };
}
