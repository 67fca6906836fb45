/**
 * Leaving the group (anyone; the owner is told to hand it over or delete it first) and
 * deleting it (the owner, who types its name to confirm, then follows the deletion:
 * deletion-progress.tsx). Once it is left, or its deletion has completed, the group goes
 * from the page: the views move to another group, or to "Name your group" when none is left.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client.ts';
import type { Group } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { dropGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ConfirmDialog, Dialog, Field } from '../../ui/index.ts';
import { DeletionProgress } from './deletion-progress.tsx';

/** The "Leave or delete" section of `group`. */
export function LeaveDelete({ group }: { group: Group }) {
  const [open, setOpen] = useState<'leave' | 'delete' | null>(null);
  const [typed, setTyped] = useState('');
  const [following, setFollowing] = useState(false);
  const owner = group.role === 'owner';
  const close = () => (setOpen(null), setTyped(''));
  const ownerWords = (err: unknown) => (err instanceof ApiError && err.code === 'users.owner_must_transfer' ? t.group.ownerCannotLeave(group.name) : undefined);

  return (
    <section class="section" aria-labelledby="leave-title">
      <h2 id="leave-title">{t.group.leaveOrDelete}</h2>
      <div class="row">
        <button type="button" class="btn" onClick={() => setOpen('leave')}>
          {t.group.leave}
        </button>
        {owner && (
          <button type="button" class="btn danger" onClick={() => setOpen('delete')}>
            {t.group.delete}
          </button>
        )}
      </div>
      {open === 'leave' && owner && (
        <Dialog title={t.group.leaveTitle(group.name)} onClose={close}>
          <p>{t.group.ownerCannotLeave(group.name)}</p>
          <button type="button" class="btn" onClick={close}>
            {t.app.close}
          </button>
        </Dialog>
      )}
      {open === 'leave' && !owner && (
        <ConfirmDialog
          title={t.group.leaveTitle(group.name)}
          confirm={t.group.leaveConfirm(group.name)}
          danger
          onClose={close}
          explainError={ownerWords}
          onConfirm={async () => {
            await api('POST', `/v1/groups/${group.id}/leave`);
            // The stream's `member_left` may have dropped it already (silently): say it here.
            dropGroup(group.id);
            toast(t.groups.left(group.name));
          }}
        >
          <p>{t.group.leaveExplain(group.name)}</p>
        </ConfirmDialog>
      )}
      {open === 'delete' && (
        <ConfirmDialog
          title={t.group.deleteTitle(group.name)}
          confirm={t.group.deleteConfirm}
          danger
          ready={typed.trim() === group.name.trim()}
          onClose={close}
          onConfirm={async () => {
            await api('DELETE', `/v1/groups/${group.id}`);
            setFollowing(true);
          }}
        >
          <p>{t.group.deleteExplain(group.name)}</p>
          <Field label={t.group.deleteType(group.name)} autocomplete="off" value={typed} onValue={setTyped} />
        </ConfirmDialog>
      )}
      {following && <DeletionProgress group={group} onClose={() => setFollowing(false)} />}
    </section>
  );
}
