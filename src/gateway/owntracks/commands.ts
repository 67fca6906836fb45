/**
 * The commands waiting for a phone, for the end of the OwnTracks reply: in HTTP mode the
 * answer to a post is the only way to reach the phone, so a "locate now" or pushed places
 * wait for its next post (services/location/phones/commands.ts says what the apps do with
 * them). Taking them must never cost the phone its post: when the location service cannot
 * hand them out, the reply goes without them and they wait for the post after.
 */
import { location } from '../../contracts/index.ts';
import type { Logger } from '../../kit/index.ts';
import type { Actor } from '../auth/index.ts';
import type { RequestFn as Call } from '../upstream.ts';

/**
 * The `cmd` objects for `device` (each handed out once), or none when they cannot be had now.
 *
 * @example
 * return [...friendsReply(friends), ...(await phoneCommands(call, actor, device, deps.log))];
 */
export async function phoneCommands(call: Call, actor: Actor, device: string, log: Logger): Promise<location.PhoneCommand[]> {
  try {
    return (await call(location.TakePhoneCommands, { actor, device })).commands;
  } catch (err) {
    log.warn('owntracks: phone commands not taken; they wait for the next post', { device, err: err instanceof Error ? err.message : String(err) });
    return [];
  }
}
