/**
 * `/v1/me/export*`: "Export my data" (docs/sagas.md, "Exporting my data"). Starting one runs
 * the users service's export saga; its status shows the step under way, then a download that
 * works, signed in, until `expiresAt` (`users.export_link_hours`), and answers 410 after. The
 * download streams the archive from users in chunks (the gateway never touches the files).
 */
import { sagas } from '../../contracts/index.ts';
import { AppError } from '../../kit/index.ts';
import { route } from '../route-spec.ts';

const tag = 'me';

/** The export routes. */
export const exportRoutes = [
  route({
    method: 'POST',
    path: '/v1/me/export',
    summary: 'Export my data: start collecting everything Hearth holds about me into one archive (a running export is returned as it is)',
    tag,
    access: 'session',
    service: 'users',
    status: 202,
    reply: sagas.StartExport.reply,
    handle: async ({ actor, call }) => {
      const started = await call(sagas.StartExport, { actor });
      return Response.json(started, { status: 202, headers: { location: '/v1/me/export', 'cache-control': 'no-store' } });
    },
  }),
  route({
    method: 'GET',
    path: '/v1/me/export',
    summary: 'My latest export: running (with its step), ready (with its download and when it expires), failed, expired or none',
    tag,
    access: 'session',
    service: 'users',
    reply: sagas.ExportStatus,
    handle: async ({ actor, call }) => Response.json(await call(sagas.GetExport, { actor }), { headers: { 'cache-control': 'no-store' } }),
  }),
  route({
    method: 'GET',
    path: '/v1/me/export/download',
    summary: 'Download my latest export (application/zip); 404 when none is ready, 410 once its link expired',
    tag,
    access: 'session',
    service: 'users',
    replyType: 'application/zip',
    handle: async ({ actor, call }) => {
      const read = (offset: number) => call(sagas.ReadExport, { actor, offset, length: sagas.EXPORT_CHUNK_BYTES });
      // The first chunk before answering: no export is a 404 (or 410), and its size the Content-Length.
      const first = await read(0);
      const { size, fileName } = first;
      let offset = 0;
      let pending: Uint8Array | undefined = first.data;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = pending ?? (await read(offset)).data;
          pending = undefined;
          if (next.length === 0 && offset < size) throw new AppError('internal', 'export.truncated', 'The archive ended early');
          if (next.length) controller.enqueue(next);
          offset += next.length;
          if (offset >= size) controller.close();
        },
      });
      return new Response(body, {
        headers: {
          'content-type': 'application/zip',
          'content-length': String(size),
          'content-disposition': `attachment; filename="${fileName}"`,
          'cache-control': 'no-store',
        },
      });
    },
  }),
];
