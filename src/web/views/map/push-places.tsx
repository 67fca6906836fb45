/**
 * "Send places to everyone's phones" for the group's admins (`POST /v1/groups/{g}/places/push`):
 * the group's places become regions in each member's OwnTracks app, the next time it reports.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';

/** The button and its outcome. */
export function PushPlaces({ groupId }: { groupId: string }) {
  const action = useAction();
  const [sent, setSent] = useState<{ places: number; members: number } | null>(null);
  const push = () =>
    void action.run(async () => {
      setSent(null);
      setSent(await api<{ places: number; members: number }>('POST', `/v1/groups/${groupId}/places/push`, {}));
    });
  return (
    <div class="push-places">
      <button type="button" class="btn small" disabled={action.busy !== false} onClick={push}>
        {t.map.places.push}
      </button>
      <p role="status" class="hint">
        {sent ? t.map.places.pushed(sent.places, sent.members) : ''}
      </p>
      <ErrorMessage error={action.error} />
    </div>
  );
}
