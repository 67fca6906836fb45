/**
 * Deletions and exports (`GET /v1/admin/sagas`): the flows that span services, newest first,
 * each with how far it got, what it waits for and why it failed. Asked again every 5 s
 * while one is still running; never polled otherwise. Read only: a person starts, follows
 * and cancels their own flow from their Account or group page.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { fullTime } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';

/** One saga, as the API lists it (what this page shows of it). */
interface Saga {
  id: string;
  type: string;
  state: 'running' | 'compensating' | 'completed' | 'failed' | 'cancelled';
  step: string | null;
  lastError: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
  steps: { name: string; participant: string; status: string }[];
}

const POLL_MS = 5_000;
const SHOWN = 20;

/** The deletions-and-exports section. */
export function Sagas() {
  const [list, setList] = useState<{ sagas: Saga[]; unavailable: string[] } | null>(null);
  const load = useAction();
  const refresh = () => load.run(async () => setList(await api('GET', `/v1/admin/sagas?limit=${SHOWN}`)));
  useEffect(() => void refresh(), []);
  const active = list?.sagas.some((s) => s.state === 'running' || s.state === 'compensating');
  useEffect(() => {
    if (!active) return;
    const id = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(id);
  }, [list]);

  return (
    <section class="section" aria-labelledby="sagas-title" aria-busy={load.busy}>
      <h2 id="sagas-title">{t.admin.sagas}</h2>
      <p class="hint">{t.admin.sagasLead}</p>
      <ErrorMessage error={load.error} />
      {list && list.unavailable.length > 0 && <p class="notice">{t.admin.sagasUnavailable(list.unavailable.join(', '))}</p>}
      {list && list.sagas.length === 0 && <p class="hint">{t.admin.noSagas}</p>}
      {list && list.sagas.length > 0 && (
        <ul class="list admin-sagas" aria-labelledby="sagas-title">
          {list.sagas.map((s) => {
            const done = s.steps.filter((x) => x.status === 'done').length;
            const who = s.steps.find((x) => x.name === s.step)?.participant;
            return (
              <li key={s.id} class={`card admin-saga admin-saga-${s.state}`}>
                <span class="admin-saga-what">{t.admin.sagaType[s.type] ?? s.type}</span>
                <span class="hint">{fullTime(s.createdAt)}</span>
                <span class="admin-saga-state">{t.admin.sagaState[s.state] ?? s.state}</span>
                <span class="hint">{t.admin.sagaSteps(done, s.steps.length)}</span>
                {who && (s.state === 'running' || s.state === 'compensating') && <span class="hint admin-saga-detail">{t.admin.sagaWaiting(who)}</span>}
                {s.lastError && s.state !== 'completed' && <span class="hint admin-saga-detail">{s.lastError.message}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
