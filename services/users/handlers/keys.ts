/** `GetJwks` (public, for the gateway) and `RotateKeys` (instance admin only). */
import { users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { generateSigningKey } from '../secrets/signing-keys.ts';
import { requireActor } from '../store/actors.ts';

/** Registers `GetJwks` and `RotateKeys`. */
export function handleKeys(d: Deps): void {
  d.api.handle(users.GetJwks, () => d.keys.jwks());

  d.api.handle(users.RotateKeys, async (req, ctx) => {
    const key = await generateSigningKey();
    return ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      if (!user.admin) throw UsersError.adminOnly();
      await d.keys.rotate(tx, key);
      ctx.log.info('signing key rotated', { kid: key.kid, by: user.id });
      return { kid: key.kid };
    });
  });
}
