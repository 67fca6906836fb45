/**
 * The route table of the gateway, in one list: operations, discovery, the instance, then `/v1` by area.
 * `/v1/openapi.json` is generated from this same list.
 */
import { openApiDocument } from '../openapi.ts';
import { route, type AnyRoute } from '../route-spec.ts';
import { adminBackupRoutes } from './admin-backups.ts';
import { adminSagaRoutes } from './admin-sagas.ts';
import { authRoutes } from './auth.ts';
import { oidcRoutes } from './oidc.ts';
import { groupRoutes } from './groups.ts';
import { instanceRoutes } from './instance.ts';
import { inviteRoutes } from './invites.ts';
import { locationRoutes } from './location.ts';
import { owntracksRoutes } from './owntracks.ts';
import { phoneCommandRoutes } from './phone-commands.ts';
import { owntracksSetupRoutes } from './owntracks-setup.ts';
import { chatRoutes } from './chat.ts';
import { notificationRoutes } from './notifications.ts';
import { meRoutes } from './me.ts';
import { exportRoutes } from './export.ts';
import { memberRoutes } from './members.ts';
import { opsRoutes } from './ops.ts';
import { wellKnownRoutes } from './well-known.ts';

let doc: { url: string; json: string } | undefined;

const openApiRoute = route({
  method: 'GET',
  path: '/v1/openapi.json',
  summary: 'This API described in OpenAPI 3.1',
  tag: 'operations',
  access: 'public',
  hidden: true,
  handle: ({ deps }) => {
    if (doc?.url !== deps.settings.publicUrl) doc = { url: deps.settings.publicUrl, json: JSON.stringify(openApiDocument(ROUTES, deps.settings.publicUrl)) };
    return new Response(doc.json, { headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' } });
  },
});

/** Every route the gateway serves. */
export const ROUTES: readonly AnyRoute[] = [
  ...opsRoutes,
  ...wellKnownRoutes,
  openApiRoute,
  ...instanceRoutes,
  ...authRoutes,
  ...oidcRoutes,
  ...meRoutes,
  ...exportRoutes,
  ...groupRoutes,
  ...memberRoutes,
  ...inviteRoutes,
  ...locationRoutes,
  ...owntracksRoutes,
  ...phoneCommandRoutes,
  ...owntracksSetupRoutes,
  ...chatRoutes,
  ...notificationRoutes,
  ...adminBackupRoutes,
  ...adminSagaRoutes,
];
