/**
 * The SOS control, made so it cannot fire by accident: press and hold it for 2 seconds
 * (mouse, touch, or Space/Enter held down), watching the bar fill; let go early, or press
 * it once (as a screen reader does), and a dialog asks first. It raises the SOS in the
 * current group (`POST /v1/groups/{g}/sos`, with this browser's position when known). While
 * my SOS is on, "I'm safe" clears it — placed below the message, not where the finger was.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Group, MemberView } from '../../api/types.ts';
import { myPosition } from '../../stores/sharing.ts';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage } from '../../ui/index.ts';
import { useCommand } from './use-command.ts';

const HOLD_MS = 2000;
const isActivation = (e: KeyboardEvent) => e.key === ' ' || e.key === 'Enter';

/** SOS, or "I'm safe" while mine is on. */
export function SosControl({ group, mine }: { group: Group; mine: MemberView | null }) {
  const cmd = useCommand();
  const [holding, setHolding] = useState(false);
  const [asking, setAsking] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** The click that follows a hold (or a handled key) is not a press of its own. */
  const swallowClick = useRef(false);
  useEffect(() => () => clearTimeout(timer.current), []);

  const send = () => {
    const p = myPosition.value;
    setAsking(false);
    return cmd.run(group.id, 'POST', '/sos', p ? { lat: p.lat, lon: p.lon } : {});
  };
  const start = () => {
    if (timer.current) return;
    swallowClick.current = false;
    setHolding(true);
    timer.current = setTimeout(() => {
      timer.current = undefined;
      swallowClick.current = true;
      setHolding(false);
      void send();
    }, HOLD_MS);
  };
  /** Stops a hold under way; true if one was. */
  const cancel = () => {
    if (!timer.current) return false;
    clearTimeout(timer.current);
    timer.current = undefined;
    setHolding(false);
    return true;
  };

  if (mine?.sos) {
    return (
      <div class="sos sos-on">
        <p class="sos-active" role="status">
          <strong>{t.map.sos.button}</strong> {t.map.sos.active}
        </p>
        <button type="button" class="btn primary wide" disabled={cmd.busy} onClick={() => void cmd.run(group.id, 'DELETE', '/sos')}>
          {t.map.sos.safe}
        </button>
        <ErrorMessage error={cmd.error} />
      </div>
    );
  }
  return (
    <div class="sos">
      <button
        type="button"
        class={`sos-button${holding ? ' holding' : ''}`}
        aria-describedby="sos-hint"
        disabled={cmd.busy}
        onPointerDown={(e) => e.button === 0 && start()}
        onPointerUp={cancel}
        onPointerLeave={cancel}
        onPointerCancel={cancel}
        onContextMenu={(e) => e.preventDefault()}
        onKeyDown={(e) => {
          if (!isActivation(e)) return;
          e.preventDefault(); // no click of its own: holding is what counts
          if (!e.repeat) start();
        }}
        onKeyUp={(e) => {
          if (!isActivation(e)) return;
          e.preventDefault();
          swallowClick.current = true;
          setTimeout(() => (swallowClick.current = false), 0);
          if (cancel()) setAsking(true); // let go early: ask instead
        }}
        onClick={() => {
          if (swallowClick.current) {
            swallowClick.current = false;
            return;
          }
          cancel();
          setAsking(true); // a tap, a click, a screen reader's press: ask first
        }}
      >
        <span class="sos-progress" aria-hidden="true" />
        <span class="sos-text">{t.map.sos.button}</span>
      </button>
      <p id="sos-hint" class="hint">
        {t.map.sos.hint}
      </p>
      <p class="sos-holding" aria-live="assertive">
        {holding ? t.map.sos.holding : ''}
      </p>
      <ErrorMessage error={cmd.error} />
      {asking && (
        <Dialog title={t.map.sos.confirmTitle(group.name)} onClose={() => setAsking(false)}>
          <p>{t.map.sos.confirmText}</p>
          <div class="row">
            <button type="button" class="btn danger" disabled={cmd.busy} onClick={() => void send()}>
              {t.map.sos.send}
            </button>
            <button type="button" class="btn" onClick={() => setAsking(false)}>
              {t.app.cancel}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
