/**
 * A family of users in one group, made through the API on any Hearth (in this process or
 * spawned), and returned once the location service knows every member (it learns
 * membership from the users service's events, a moment after the API answers).
 */
import { call } from './http.ts';
import { joinGroup, makeGroup, signUp, type User } from './accounts.ts';
import { waitFor } from './poll.ts';

/** Waits until the location service lists `who` in the group's live view. */
export async function knownToLocation(h: { url: string }, groupId: string, who: User, viewer: User = who): Promise<void> {
  await waitFor(`${who.name} known to the location service`, async () => {
    const r = await call(h, 'GET', `/v1/groups/${groupId}/live`, { token: viewer.token });
    return (r.status === 200 && r.body.members.some((m: { userId: string }) => m.userId === who.userId)) || undefined;
  });
}

/** Signs up `names` (the first owns the group), puts them in one group and waits for location to know them. */
export async function family(h: { url: string }, names: string[], groupName = 'Family'): Promise<{ users: User[]; group: string }> {
  const users: User[] = [];
  for (const n of names) users.push(await signUp(h, n));
  const group = await makeGroup(h, users[0]!, groupName);
  for (const u of users.slice(1)) await joinGroup(h, group, users[0]!, u);
  for (const u of users) await knownToLocation(h, group, u, users[0]);
  return { users, group };
}
