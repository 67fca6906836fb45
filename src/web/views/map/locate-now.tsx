/**
 * "Locate now" on a member's details (`POST /v1/groups/{g}/members/{u}/locate`): asks their
 * phone (OwnTracks) for its position. The phone answers the next time it reports, so the
 * words say so rather than promise a position at once; the live map moves when it comes.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';

/** The button, and what happened when it was pressed. */
export function LocateNow({ groupId, userId, name }: { groupId: string; userId: string; name: string }) {
  const action = useAction();
  const [asked, setAsked] = useState<{ devices: number } | null>(null);
  const l = t.map.locate;
  const ask = () =>
    void action.run(async () => {
      setAsked(null);
      setAsked(await api<{ devices: number }>('POST', `/v1/groups/${groupId}/members/${userId}/locate`, {}));
    });
  return (
    <div class="locate-now">
      <button type="button" class="btn small" disabled={action.busy !== false} onClick={ask}>
        {l.button(name)}
      </button>
      <p role="status" class="hint">
        {asked ? (asked.devices > 0 ? l.asked(name) : l.noPhone(name)) : ''}
      </p>
      <ErrorMessage error={action.error} />
    </div>
  );
}
