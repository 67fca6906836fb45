/**
 * `POST /v1/me/owntracks/setup`: one tap to set up a phone. Makes an app password for the
 * phone and answers with the OwnTracks configuration that carries it, the
 * `owntracks:///config?inline=…` link that imports it, and that link as an SVG QR code
 * (docs/api.md, "Setting up a phone"). The password is in this answer only: it is sent
 * with `Cache-Control: no-store` and never logged.
 */
import * as v from 'valibot';
import { users } from '../../contracts/index.ts';
import { DEVICE_ID, deviceIdOf, phoneBaseUrl, owntracksConfiguration, qrSvg, setupLink } from '../owntracks/index.ts';
import { route } from '../route-spec.ts';

/** What the route answers (the configuration is loose: its keys are the apps'). */
const SetupReply = v.object({
  appPassword: v.object({ id: users.Id, label: v.string() }),
  configuration: v.looseObject({ _type: v.literal('configuration'), url: v.string(), username: v.string(), password: v.string(), deviceId: v.string() }),
  link: v.string(),
  qrSvg: v.string(),
});

/** The set-up route. */
export const owntracksSetupRoutes = [
  route({
    method: 'POST',
    path: '/v1/me/owntracks/setup',
    summary: 'Set up a phone: a new app password in an OwnTracks configuration, its owntracks:/// link and a QR code of the link; shown only in this answer',
    tag: 'me',
    access: 'session',
    secret: true,
    service: 'users',
    body: v.strictObject({ deviceId: v.optional(v.pipe(v.string(), v.trim(), v.regex(DEVICE_ID, 'letters, digits, - and _ only, at most 32'))) }),
    status: 201,
    reply: SetupReply,
    handle: async ({ actor, body, call, deps, header }) => {
      const me = await call(users.GetMe, { actor });
      const deviceId = body.deviceId || deviceIdOf(me.displayName);
      const label = `OwnTracks: ${deviceId}`;
      const created = await call(users.CreateAppPassword, { actor, label });
      const configuration = owntracksConfiguration({ publicUrl: phoneBaseUrl(deps.settings.publicUrl, header('host')), email: me.email, password: created.password, deviceId, displayName: me.displayName });
      const link = setupLink(configuration);
      const reply = { appPassword: { id: created.id, label: created.label }, configuration, link, qrSvg: await qrSvg(link) };
      return Response.json(reply, { status: 201, headers: { 'cache-control': 'no-store' } });
    },
  }),
];
