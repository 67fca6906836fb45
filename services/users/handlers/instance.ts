/**
 * `InstanceInfo`: what a client needs before sign-in — the registration mode, and whether
 * the instance still has no account (the first registration then makes the instance admin).
 */
import { users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';

/** Registers `InstanceInfo`. */
export function handleInstance(d: Deps): void {
  d.api.handle(users.InstanceInfo, async () => {
    const any = await d.db.query('SELECT 1 FROM users LIMIT 1');
    return { registration: d.settings.registration, setupNeeded: any.length === 0 };
  });
}
