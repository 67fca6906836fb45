/**
 * A command of mine on the group (pause, journey, SOS …): sends it, puts the view of me the
 * API answers into the live store at once (the stream's event follows), and keeps whether
 * it is under way and why it failed, for the button and its error in words.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { MemberView } from '../../api/types.ts';
import { putMember } from '../../stores/live.ts';

/** `run(method, path, body?)` → true when it worked. */
export function useCommand() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(groupId: string, method: string, path: string, body?: unknown): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      const view = await api<MemberView>(method, `/v1/groups/${groupId}${path}`, body === undefined ? {} : { body });
      putMember(groupId, view);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, clear: () => setError(null) };
}
