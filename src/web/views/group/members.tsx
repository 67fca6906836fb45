/**
 * Who is in the group, with each one's role in words, kept live by the groups store
 * (`group.*` events). Admins and the owner get a "Manage" button on the members they may
 * change (member-dialog.tsx); everyone else just sees the list.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Group, Member } from '../../api/types.ts';
import { auth } from '../../api/session.ts';
import { loadMembers, members } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Avatar, ErrorMessage, TimeAgo } from '../../ui/index.ts';
import { MemberDialog } from './member-dialog.tsx';

const RANK = { owner: 0, admin: 1, member: 2 } as const;

/** Whether I (with `myRole`) may change anything about `m`: the owner anyone else, an admin plain members. */
export function canManage(myRole: Group['role'], me: string | undefined, m: Member): boolean {
  if (m.userId === me) return false;
  return myRole === 'owner' || (myRole === 'admin' && m.role === 'member');
}

/** The member list of `group`. */
export function Members({ group }: { group: Group }) {
  const [error, setError] = useState<unknown>(null);
  const [managing, setManaging] = useState<string | null>(null);
  const me = auth.value?.userId;
  useEffect(() => {
    loadMembers(group.id).then(() => setError(null), setError);
  }, [group.id]);

  const list = [...(members.value[group.id] ?? [])].sort((a, b) => RANK[a.role] - RANK[b.role] || a.displayName.localeCompare(b.displayName));
  const current = list.find((m) => m.userId === managing);

  return (
    <section class="section" aria-labelledby="members-title">
      <h2 id="members-title">{t.group.members}</h2>
      <ErrorMessage error={error} />
      {!list.length && !error && <p class="hint">{t.group.loading}</p>}
      <ul class="list group-members" aria-labelledby="members-title" aria-live="polite">
        {list.map((m) => (
          <li key={m.userId} class="group-member">
            <Avatar id={m.userId} name={m.displayName} />
            <div class="group-member-text">
              <p class="group-member-name">
                {m.displayName} {m.userId === me && <span class="hint">{t.group.you}</span>}
              </p>
              <p class="hint">
                <span class={`member-role member-role-${m.role}`}>{t.group.roles[m.role]}</span> · <TimeAgo iso={m.joinedAt} prefix={t.group.joined} />
              </p>
            </div>
            {canManage(group.role, me, m) && (
              <button type="button" class="btn small" aria-label={t.group.manageLabel(m.displayName)} onClick={() => setManaging(m.userId)}>
                {t.group.manage}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p class="hint">{t.group.rolesHelp}</p>
      {current && canManage(group.role, me, current) && <MemberDialog group={group} member={current} onClose={() => setManaging(null)} />}
    </section>
  );
}
