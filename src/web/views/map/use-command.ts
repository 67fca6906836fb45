/**
 * A command of mine on the group (pause, journey, SOS …): sends it, puts the view of me the
 * API answers into the live store at once (the stream's event follows), and keeps whether
 * it is under way and why it failed, for the button and its error in words.
 */
import { api } from '../../api/client.ts';
import type { MemberView } from '../../api/types.ts';
import { putMember } from '../../stores/live.ts';
import { useAction } from '../../ui/index.ts';

/** `run(groupId, method, path, body?)` → true when it worked. */
export function useCommand() {
  const action = useAction();
  async function run(groupId: string, method: string, path: string, body?: unknown): Promise<boolean> {
    const done = await action.run(async () => {
      putMember(groupId, await api<MemberView>(method, `/v1/groups/${groupId}${path}`, body === undefined ? {} : { body }));
      return true;
    });
    return done ?? false;
  }
  return { busy: action.busy, error: action.error, run, clear: () => action.setError(null) };
}
