/**
 * Each service's health, from `GET /readyz`: 200 when all are ok, 503 (a problem document
 * that still carries `services`) when one is not — both are answers to show, so the
 * request goes through fetch directly rather than the API client, which would throw the
 * 503 away as an error. Asked when shown and on "Check again"; never polled.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';

/** One service as `/readyz` reports it. */
interface Health {
  status: string;
  pid?: number;
  error?: string;
}

async function readiness(): Promise<Record<string, Health>> {
  const res = await fetch('/readyz', { headers: { accept: 'application/json' }, cache: 'no-store' });
  const body = (await res.json()) as { services?: Record<string, Health> };
  if (!body.services) throw new Error(`readyz answered ${res.status}`);
  return body.services;
}

/** The services section. */
export function Services() {
  const [services, setServices] = useState<Record<string, Health> | null>(null);
  const { busy, error, run } = useAction();
  const check = () => run(async () => setServices(await readiness()));
  useEffect(() => void check(), []);

  const entries = Object.entries(services ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const down = entries.filter(([, s]) => s.status !== 'ok').map(([name]) => name);
  return (
    <section class="section" aria-labelledby="services-title" aria-busy={busy}>
      <div class="row admin-services-head">
        <h2 id="services-title">{t.admin.services}</h2>
        <button type="button" class="btn small" disabled={busy} onClick={check}>
          {busy ? t.admin.checking : t.admin.refresh}
        </button>
      </div>
      <ErrorMessage error={error && t.admin.unreachable} />
      {services && (
        <p role="status" class={down.length ? 'error' : 'admin-ok'}>
          {down.length ? t.admin.notOk(down.join(', ')) : t.admin.allOk}
        </p>
      )}
      <ul class="list admin-services" aria-labelledby="services-title">
        {entries.map(([name, s]) => (
          <li key={name} class={`card admin-service admin-service-${s.status === 'ok' ? 'ok' : 'bad'}`}>
            <span class="admin-service-mark" aria-hidden="true">
              {s.status === 'ok' ? '✓' : '✗'}
            </span>
            <span class="admin-service-name">{name}</span>
            <span class="admin-service-status">{t.admin.status[s.status] ?? s.status}</span>
            {s.pid !== undefined && <span class="hint">{t.admin.process(s.pid)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
