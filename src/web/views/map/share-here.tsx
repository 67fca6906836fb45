/**
 * "Share my location from this browser": the opt-in switch (stores/sharing.ts does the
 * watching and queueing), what it is doing in words, and why the browser gives no position
 * when it does not, and how many positions wait to be sent (taken offline).
 */
import { pending } from '../../api/outbox.ts';
import { connection } from '../../api/stream.ts';
import { geoProblem, myPosition, sharingHere, startSharingHere, stopSharingHere } from '../../stores/sharing.ts';
import { t } from '../../strings.ts';

/** The switch and its state. */
export function ShareHere() {
  const on = sharingHere.value;
  const problem = geoProblem.value;
  // Counted only while the network is down (online, a fix waits a few milliseconds). The
  // browser's own flag too: a WebSocket may stay open a while after the network went.
  const down = connection.value !== 'live' || !navigator.onLine;
  const queued = down ? pending.value.filter((i) => i.kind === 'fixes').length : 0;
  return (
    <div class="share-here">
      <label class="switch-row">
        <input type="checkbox" role="switch" checked={on} onChange={(e) => (e.currentTarget.checked ? startSharingHere() : stopSharingHere())} aria-describedby="share-here-state" />
        <span class="label">{t.map.me.share}</span>
      </label>
      <p id="share-here-state" class="hint">
        {on ? (myPosition.value ? t.map.me.shareOn : t.map.me.waiting) : t.map.me.shareOff}
      </p>
      <p class="hint queued" role="status">
        {queued > 0 ? t.map.me.queued(queued) : ''}
      </p>
      {problem && (
        <p class="error" role="alert">
          {t.map.me.geo[problem]}
        </p>
      )}
    </div>
  );
}
