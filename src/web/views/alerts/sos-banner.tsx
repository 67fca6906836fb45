/**
 * Every SOS in progress, on every signed-in view (the shell places it above the main area):
 * who, which group, when, where, and "Show on map" — or, for my own SOS, "I'm safe". Each
 * SOS is its own `role="alert"`, so a screen reader announces it the moment it appears.
 * Urgent by shape and words ("SOS", an icon), not by colour alone.
 */
import { navigate } from '../../app/router.ts';
import { toast } from '../../app/toast.ts';
import { pickGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, TimeAgo, useAction } from '../../ui/index.ts';
import { clearMySos, sosNow, whereText, type SosNow } from './sos.ts';
import './alerts.css';

/** The SOS banner (nothing when no SOS is on). */
export function SosBanner() {
  const list = sosNow.value;
  if (list.length === 0) return null;
  return (
    <section class="sos-banner" aria-label={t.alerts.sosRegion}>
      {list.map((s) => (s.mine ? <MySos key={s.key} s={s} /> : <TheirSos key={s.key} s={s} />))}
    </section>
  );
}

function TheirSos({ s }: { s: SosNow }) {
  function show() {
    pickGroup(s.group.id);
    navigate(`/map?focus=${encodeURIComponent(s.member.userId)}`);
  }
  return (
    <div class="sosb" role="alert">
      <SosIcon />
      <div class="sosb-text">
        <p class="sosb-title">
          <strong>{t.alerts.sosFrom(s.member.displayName)}</strong> <span>{t.alerts.sosIn(s.group.name)}</span> · <TimeAgo iso={s.at} />
        </p>
        <p class="sosb-where">{whereText(s)}</p>
      </div>
      <button type="button" class="btn sosb-btn" onClick={show}>
        {t.alerts.showOnMap}
      </button>
    </div>
  );
}

function MySos({ s }: { s: SosNow }) {
  const { busy, error, run } = useAction();
  const safe = () =>
    run(async () => {
      await clearMySos(s.group.id); // my SOS leaves the store, and this with it
      toast(t.alerts.safeDone);
    });
  return (
    <div class="sosb mine" role="alert">
      <SosIcon />
      <div class="sosb-text">
        <p class="sosb-title">
          <strong>{t.alerts.sosMine(s.group.name)}</strong> · <TimeAgo iso={s.at} />
        </p>
        <ErrorMessage error={error} />
      </div>
      <button type="button" class="btn sosb-btn" onClick={safe} disabled={busy}>
        {t.alerts.imSafe}
      </button>
    </div>
  );
}

/** The word "SOS" in a warning shape: readable without colour. */
function SosIcon() {
  return (
    <span class="sosb-icon" aria-hidden="true">
      SOS
    </span>
  );
}
