/**
 * A target's delivery log, newest first: time, outcome (in words and a sign), HTTP status.
 * Deliveries are sent by the service's forwarder a moment after they are queued and the
 * stream carries no event for them, so after "Send test" the log is read again a few times
 * (0.5 s, 1 s, 2 s …, at most five) until that test's attempt shows; "Refresh log" reads it
 * whenever asked.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DeliveryAttempt, Target } from '../../api/types.ts';
import { clock, fullTime } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import { deliveries, nameOfTarget } from './targets.ts';

const FOLLOW_MS = [500, 1000, 2000, 4000, 8000];

/** The log of `target`; `awaiting` is a test's delivery id to follow until it shows. */
export function DeliveryLog({ target, awaiting }: { target: Target; awaiting: number | null }) {
  const [rows, setRows] = useState<DeliveryAttempt[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async (i: number) => {
      try {
        const got = await deliveries(target.id);
        if (stop) return;
        setRows(got);
        setError(null);
        const shown = awaiting === null || got.some((a) => a.deliveryId === awaiting && a.outcome !== 'retrying');
        if (!shown && i < FOLLOW_MS.length) timer = setTimeout(() => void read(i + 1), FOLLOW_MS[i]);
      } catch (err) {
        if (!stop) setError(err);
      }
    };
    void read(0);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [target.id, awaiting, nonce]);

  const waiting = awaiting !== null && rows !== null && !rows.some((a) => a.deliveryId === awaiting);
  return (
    <div class="delivery-log-wrap">
      <ErrorMessage error={error} />
      {rows && rows.length === 0 && !waiting && <p>{t.alerts.logEmpty}</p>}
      <p role="status" class="hint">
        {waiting ? t.alerts.logWaiting : ''}
      </p>
      {rows && rows.length > 0 && (
        <table class="delivery-log">
          <caption>{t.alerts.logCaption(nameOfTarget(target))}</caption>
          <thead>
            <tr>
              <th scope="col">{t.alerts.logTime}</th>
              <th scope="col">{t.alerts.logOutcome}</th>
              <th scope="col">{t.alerts.logStatus}</th>
              <th scope="col">{t.alerts.logMessage}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={`${a.deliveryId}:${a.attempt}`}>
                <td>
                  <time dateTime={a.at} title={fullTime(a.at)}>
                    {clock(a.at)}
                  </time>
                </td>
                <td>
                  {t.alerts.outcome[a.outcome]}
                  {a.error ? ` (${a.error})` : ''}
                </td>
                <td>{a.httpStatus ?? '—'}</td>
                <td>{a.title}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" class="btn small" onClick={() => setNonce(nonce + 1)}>
        {t.alerts.refreshLog}
      </button>
    </div>
  );
}
