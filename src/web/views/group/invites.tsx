/**
 * The group's invite links (admins): make one — how long it works and for how many people
 * — and see, share or revoke those that still work. Invites have no stream events, so the
 * list is asked for when shown and after each change made here.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Group, Invite } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, Field, useAction } from '../../ui/index.ts';
import { InviteCard } from './invite-card.tsx';

const WEEK = 7 * 86_400;

/** The invites section of `group`. */
export function Invites({ group }: { group: Group }) {
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);
  const [expires, setExpires] = useState(WEEK);
  const [uses, setUses] = useState('10');
  const { busy, error, run, setError } = useAction();
  const base = `/v1/groups/${group.id}/invites`;

  const load = () => api<{ invites: Invite[] }>('GET', base).then((r) => setInvites(r.invites), setError);
  useEffect(() => void load(), [group.id]);

  function create(e: Event) {
    e.preventDefault();
    void run(async () => {
      const invite = await api<Invite>('POST', base, { body: { expiresInSeconds: expires, maxUses: Number(uses) } });
      setFresh(invite.code);
      setInvites([invite, ...(invites ?? []).filter((i) => i.code !== invite.code)]);
      toast(t.group.inviteCreated);
    });
  }

  async function revoke(code: string) {
    setError(null);
    try {
      await api('DELETE', `${base}/${encodeURIComponent(code)}`);
      setInvites((list) => (list ?? []).filter((i) => i.code !== code));
      toast(t.group.revoked);
    } catch (err) {
      setError(err);
      void load();
    }
  }

  return (
    <section class="section" aria-labelledby="invites-title">
      <h2 id="invites-title">{t.group.invites}</h2>
      <p class="hint">{t.group.invitesLead}</p>
      <form class="card invite-form" onSubmit={create}>
        <div class="field">
          <label for="invite-expiry">{t.group.expiry}</label>
          <select id="invite-expiry" value={String(expires)} onChange={(e) => setExpires(Number(e.currentTarget.value))}>
            {t.group.expiryChoices.map((c) => (
              <option key={c.seconds} value={String(c.seconds)}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <Field label={t.group.uses} type="number" inputMode="numeric" min={1} max={1000} required value={uses} onValue={setUses} />
        <button type="submit" class="btn primary" disabled={busy}>
          {t.group.createInvite}
        </button>
      </form>
      <ErrorMessage error={error} />
      {invites && invites.length === 0 && <p class="empty">{t.group.noInvites}</p>}
      {invites && invites.length > 0 && (
        <ul class="list invite-list" aria-label={t.group.invites}>
          {invites.map((i) => (
            <InviteCard key={i.code} invite={i} groupName={group.name} showQr={i.code === fresh} onRevoke={revoke} />
          ))}
        </ul>
      )}
    </section>
  );
}
