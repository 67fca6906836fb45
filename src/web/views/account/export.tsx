/**
 * "Download my data" on the Account page: prepare an archive of everything Hearth holds
 * about me (`POST /v1/me/export`), follow it while the services contribute, then download
 * it (`GET /v1/me/export/download`, signed in) until its link expires.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { fullTime } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';

/** What `GET /v1/me/export` answers (src/contracts/sagas/export.ts, ExportStatus). */
interface ExportStatus {
  state: 'none' | 'running' | 'ready' | 'failed' | 'expired';
  step: string | null;
  expiresAt: string | null;
  size: number | null;
  download: string | null;
  error: string | null;
}

const POLL_MS = 1500;

/** The "Download my data" section. */
export function ExportData() {
  const [status, setStatus] = useState<ExportStatus | null>(null);
  const load = useAction();
  const act = useAction<'start' | 'download'>();
  const refresh = () => load.run(async () => setStatus(await api<ExportStatus>('GET', '/v1/me/export')));
  useEffect(() => void refresh(), []);
  // While the services contribute, ask again until it is ready (or failed).
  useEffect(() => {
    if (status?.state !== 'running') return;
    const id = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(id);
  }, [status]);

  const start = () =>
    act.run(async () => {
      await api('POST', '/v1/me/export');
      await refresh();
    }, 'start');
  const save = () =>
    act.run(async () => {
      const blob = await api<Blob>('GET', status?.download ?? '/v1/me/export/download', { binary: true });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `hearth-export-${new Date().toISOString().slice(0, 10)}.zip`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }, 'download');

  const s = status;
  return (
    <section class="section" aria-labelledby="export-title" aria-busy={load.busy === true}>
      <h2 id="export-title">{t.account.exportTitle}</h2>
      <p class="hint">{t.account.exportLead}</p>
      <div class="card">
        <p role="status">
          {s?.state === 'running' && t.account.exportRunning(s.step)}
          {s?.state === 'ready' && t.account.exportReady(fullTime(s.expiresAt!), s.size ?? 0)}
          {s?.state === 'expired' && t.account.exportExpired}
          {s?.state === 'failed' && t.account.exportFailed}
        </p>
        <div class="row">
          {s?.state === 'ready' && (
            <button type="button" class="btn primary" disabled={act.busy !== false} onClick={() => void save()}>
              {act.busy === 'download' ? t.account.exportDownloading : t.account.exportDownload}
            </button>
          )}
          {s && s.state !== 'running' && (
            <button type="button" class={s.state === 'ready' ? 'btn' : 'btn primary'} disabled={act.busy !== false} onClick={() => void start()}>
              {s.state === 'none' ? t.account.exportStart : t.account.exportAgain}
            </button>
          )}
        </div>
      </div>
      <ErrorMessage error={load.error ?? act.error} />
    </section>
  );
}
