/**
 * The instance admin's backups (docs/api.md, "Backups"): the list with the schedule, a
 * backup now, and a download. The supervisor holds the backup directory and answers over
 * the broker (src/contracts/backups.ts); the gateway never touches the files, it streams a
 * download to the client one `ReadBackup` chunk at a time, asking for the next only when
 * the client has taken the last (so a slow client holds one chunk, not the archive).
 *
 * Who may: the instance admin (the first account), with a token's session — an app
 * password (a phone's OwnTracks, a script) is not enough to take every family's data.
 * The admin flag is read from the users service (`GetMe`) at each request, never from the
 * client; it is one small query, and these routes are rare.
 */
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { backups, users } from '../../contracts/index.ts';
import type { Actor } from '../auth/index.ts';
import { route, type RouteInput } from '../route-spec.ts';

const tag = 'admin';

/** `:name`: a backup's name and nothing else (a path, `..`, anything encoded is a 400). */
const NameParams = v.strictObject({ name: backups.BackupName });

/** Throws 403 unless `actor` is the instance admin (read from the users service, never the client). */
export async function requireInstanceAdmin(i: Pick<RouteInput<unknown, unknown, unknown, Actor>, 'actor' | 'call'>): Promise<void> {
  const me = await i.call(users.GetMe, { actor: i.actor });
  if (!me.admin) throw new AppError('forbidden', 'users.admin_only', 'Only the instance admin may do this');
}

/** The backup routes. */
export const adminBackupRoutes = [
  route({
    method: 'GET',
    path: '/v1/admin/backups',
    summary: 'The backups in backup.dir (newest first), the schedule, the directory, and the backup being written (instance admin only)',
    tag,
    access: 'session',
    service: 'supervisor',
    reply: backups.BackupList,
    handle: async (i) => {
      await requireInstanceAdmin(i);
      const list = await i.call(backups.ListBackups, { actor: i.actor });
      return Response.json(list, { headers: { 'cache-control': 'no-store' } });
    },
  }),
  route({
    method: 'POST',
    path: '/v1/admin/backups',
    summary: 'Start a backup now, verified like the scheduled ones; 409 while another is being written (instance admin only)',
    tag,
    access: 'session',
    service: 'supervisor',
    status: 202,
    reply: backups.StartBackup.reply,
    handle: async (i) => {
      await requireInstanceAdmin(i);
      const { name } = await i.call(backups.StartBackup, { actor: i.actor });
      // 202: it is being written; the list shows it under `running`, then verified (or failed).
      return Response.json({ name }, { status: 202, headers: { location: `/v1/admin/backups/${name}` } });
    },
  }),
  route({
    method: 'GET',
    path: '/v1/admin/backups/:name',
    summary: 'Download a backup (application/octet-stream; instance admin only)',
    tag,
    access: 'session',
    service: 'supervisor',
    params: NameParams,
    replyType: 'application/octet-stream',
    handle: async (i) => {
      await requireInstanceAdmin(i);
      const { name } = i.params;
      const read = (offset: number) => i.call(backups.ReadBackup, { actor: i.actor, name, offset, length: backups.CHUNK_BYTES });
      // The first chunk before answering: a missing backup is a 404, and its size the Content-Length.
      const first = await read(0);
      const size = first.size;
      let offset = 0;
      let pending: Uint8Array | undefined = first.data;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const data = pending ?? (await read(offset)).data;
          pending = undefined;
          if (data.length === 0 && offset < size) throw new AppError('internal', 'backup.truncated', `${name} ended early`);
          if (data.length) controller.enqueue(data);
          offset += data.length;
          if (offset >= size) controller.close();
        },
      });
      return new Response(size === 0 ? null : body, {
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(size),
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        },
      });
    },
  }),
];
