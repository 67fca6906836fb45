/**
 * `GET /v1/instance`: what a client needs before anyone signs in — which Hearth this is,
 * whether it still needs its first (admin) account, who may register, and the map's tiles.
 * It asks the users service, so it answers 503 while users is down, like users' own routes
 * (a page that cannot register or sign in anyone then has nothing to offer either).
 */
import * as v from 'valibot';
import { HEARTH_VERSION } from '../../kit/index.ts';
import { users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';

/** The reply of `GET /v1/instance`. */
export const InstanceReply = v.object({
  name: v.literal('Hearth'),
  /** What `hearth version` prints. */
  version: v.string(),
  registration: users.RegistrationMode,
  /** True until the first account exists (it becomes the instance admin, invite or not). */
  setupNeeded: v.boolean(),
  publicUrl: v.string(),
  /** `tileUrl` "": no map tiles (the app shows the member list alone). */
  web: v.object({ tileUrl: v.string(), tileAttribution: v.string() }),
  /** The external OpenID providers one may sign in with: a button each, leading to `GET /v1/auth/oidc/<name>/start`. */
  oidc: v.array(v.object({ name: v.string(), label: v.string() })),
});

/** The instance route. */
export const instanceRoutes = [
  route({
    method: 'GET',
    path: '/v1/instance',
    summary: 'This Hearth before sign-in: version, registration mode, whether the first account is still to be made, map tiles',
    tag: 'instance',
    access: 'public',
    service: 'users',
    reply: InstanceReply,
    handle: async ({ call, deps }) => {
      const { registration, setupNeeded } = await call(users.InstanceInfo, {});
      const { publicUrl, tileUrl, tileAttribution } = deps.settings;
      const reply: v.InferOutput<typeof InstanceReply> = { name: 'Hearth', version: HEARTH_VERSION, registration, setupNeeded, publicUrl, web: { tileUrl, tileAttribution },
        oidc: deps.settings.oidcProviders.map(({ name, label }) => ({ name, label })) };
      // no-store: setupNeeded turns false with the first registration.
      return Response.json(reply, { headers: { 'cache-control': 'no-store' } });
    },
  }),
];
