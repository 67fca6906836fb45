/**
 * What can be done to one member, in a dialog: the owner changes their role (admin ↔
 * member) or hands the group over to them; the owner or an admin removes them. Handing
 * over and removing each ask first, saying what follows. The member shown is the live one
 * from the store, so a change made elsewhere shows here too.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Group, Member } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { loadGroups, loadMembers } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ConfirmDialog, Dialog, ErrorMessage, useAction } from '../../ui/index.ts';

/** The dialog for `member` of `group`. */
export function MemberDialog({ group, member, onClose }: { group: Group; member: Member; onClose: () => void }) {
  const [step, setStep] = useState<'menu' | 'transfer' | 'remove'>('menu');
  const { busy, error, run } = useAction();
  const base = `/v1/groups/${group.id}/members/${member.userId}`;
  const name = member.displayName;
  const owner = group.role === 'owner';
  // Whatever the store's events say next, show the outcome now.
  const refresh = () => Promise.all([loadMembers(group.id), loadGroups()]).catch(() => undefined);

  const setRole = (role: 'admin' | 'member') =>
    run(async () => {
      await api('PUT', `${base}/role`, { body: { role } });
      toast(t.group.roleChanged(name, role));
      await refresh();
    });

  if (step === 'transfer') {
    return (
      <ConfirmDialog
        title={t.group.transferTitle}
        confirm={t.group.transferConfirm(name)}
        onClose={onClose}
        onConfirm={async () => {
          await api('POST', `/v1/groups/${group.id}/transfer`, { body: { userId: member.userId } });
          toast(t.group.transferred(name));
          await refresh();
        }}
      >
        <p>{t.group.transferExplain(name, group.name)}</p>
      </ConfirmDialog>
    );
  }
  if (step === 'remove') {
    return (
      <ConfirmDialog
        title={t.group.removeTitle}
        confirm={t.group.removeConfirm(name)}
        danger
        onClose={onClose}
        onConfirm={async () => {
          await api('DELETE', base);
          toast(t.group.removed(name));
          await refresh();
        }}
      >
        <p>{t.group.removeExplain(name, group.name)}</p>
      </ConfirmDialog>
    );
  }
  return (
    <Dialog title={t.group.manageLabel(name)} onClose={onClose}>
      <div class="stack">
        <p>
          {name}: <strong>{t.group.roles[member.role]}</strong>
        </p>
        {owner && member.role !== 'owner' && (
          <>
            <button type="button" class="btn" disabled={busy} onClick={() => setRole(member.role === 'admin' ? 'member' : 'admin')}>
              {member.role === 'admin' ? t.group.makeMember(name) : t.group.makeAdmin(name)}
            </button>
            <button type="button" class="btn" onClick={() => setStep('transfer')}>
              {t.group.transfer(name)}
            </button>
          </>
        )}
        <button type="button" class="btn danger" onClick={() => setStep('remove')}>
          {t.group.remove(name)}
        </button>
        <ErrorMessage error={error} />
      </div>
    </Dialog>
  );
}
