/**
 * Pause or resume sharing with the current group (`DELETE` / `POST /v1/groups/{g}/sharing`):
 * while paused the group sees nothing of me, whatever my devices send. A refusal (an SOS
 * under way) is said in words.
 */
import type { Group, MemberView } from '../../api/types.ts';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import { useCommand } from './use-command.ts';

/** The pause/resume button and what it means now. */
export function PauseSharing({ group, mine }: { group: Group; mine: MemberView | null }) {
  const cmd = useCommand();
  const sharing = mine?.sharing ?? true;
  return (
    <div class="pause-sharing">
      <p class={`hint state-word ${sharing ? '' : 'state-paused'}`}>{sharing ? t.map.me.sharingOn(group.name) : t.map.me.sharingOff(group.name)}</p>
      <button type="button" class="btn small" disabled={cmd.busy} onClick={() => void cmd.run(group.id, sharing ? 'DELETE' : 'POST', '/sharing')}>
        {sharing ? t.map.me.pause(group.name) : t.map.me.resume(group.name)}
      </button>
      <ErrorMessage error={cmd.error} />
    </div>
  );
}
