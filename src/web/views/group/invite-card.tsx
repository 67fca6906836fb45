/**
 * One invite link: the link itself (selectable), until when it works and how often it was
 * used, and what to do with it — copy, share (where the browser can), show its QR code for
 * a phone next to you, revoke.
 */
import { useId, useState } from 'preact/hooks';
import type { Invite } from '../../api/types.ts';
import { fullTime } from '../../lib/time.ts';
import { shareableUrl } from '../../stores/instance.ts';
import { t } from '../../strings.ts';
import { CopyButton } from '../../ui/index.ts';
import { QrCode } from './qr-code.tsx';

const canShare = typeof navigator.share === 'function';

/** An invite; `showQr` opens its QR code at first (a link just created). */
export function InviteCard({ invite, groupName, showQr = false, onRevoke }: { invite: Invite; groupName: string; showQr?: boolean; onRevoke: (code: string) => void }) {
  const [qr, setQr] = useState(showQr);
  const id = useId();
  const until = fullTime(invite.expiresAt);
  // The API's link names public_url; without one, the address this browser reached Hearth at.
  const link = shareableUrl(`/join/${invite.code}`);

  function share() {
    navigator.share({ title: t.group.shareTitle(groupName), text: t.group.shareText(groupName), url: link }).catch(() => {
      // dismissed by the person, or nothing to share with: nothing to say
    });
  }

  return (
    <li class="card invite-card">
      <label class="label" for={`${id}-link`}>
        {t.group.inviteLink}
      </label>
      <input id={`${id}-link`} class="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      <p class="hint">
        {t.group.worksUntil(until)} · {t.group.used(invite.uses, invite.maxUses)}
      </p>
      <div class="row">
        <CopyButton text={link} label={t.group.copyLink} target={`${id}-link`} class="btn small primary" />
        {canShare && (
          <button type="button" class="btn small" onClick={share}>
            {t.group.share}
          </button>
        )}
        <button type="button" class="btn small" aria-expanded={qr} aria-controls={`${id}-qr`} onClick={() => setQr(!qr)}>
          {qr ? t.group.hideQr : t.group.showQr}
        </button>
        <button type="button" class="btn small" aria-label={t.group.revokeLabel(until)} onClick={() => onRevoke(invite.code)}>
          {t.group.revoke}
        </button>
      </div>
      <div id={`${id}-qr`} hidden={!qr} class="invite-qr">
        {qr && (
          <>
            <QrCode text={link} label={t.group.qr} />
            <p class="hint">{t.group.qrHint}</p>
          </>
        )}
      </div>
    </li>
  );
}
