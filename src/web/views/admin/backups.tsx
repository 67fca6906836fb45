/**
 * The backups (`GET /v1/admin/backups`): when the next one is made, what is kept, each backup
 * with its check (verified, failed) and a download, and "Back up now" (`POST`), followed
 * while it is written (the list is asked again every 2 s until nothing is running; never
 * polled otherwise). A download is fetched with the session's token and handed to the
 * browser as a file: a plain link would carry no token.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import { toast } from '../../app/toast.ts';
import { fullTime } from '../../lib/time.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';

/** One backup, as the API lists it (what this page shows of it). */
interface Backup {
  name: string;
  createdAt: string;
  bytes: number;
  encrypted: boolean;
  status: 'verified' | 'failed' | 'unverified';
  error: string | null;
}

/** The backups list, as the API answers it (what this page shows of it). */
interface BackupList {
  dir: string;
  schedule: { cron: string; nextRun: string | null; encrypted: boolean; keep: { daily: number; weekly: number; monthly: number } };
  running: { name: string; startedAt: string } | null;
  last: { name: string; at: string; ok: boolean; error: string | null } | null;
  backups: Backup[];
}

const POLL_MS = 2_000;

/** The backups section. */
export function Backups() {
  const [list, setList] = useState<BackupList | null>(null);
  const load = useAction();
  const start = useAction();
  const download = useAction<string>();
  const refresh = () => load.run(async () => setList(await api<BackupList>('GET', '/v1/admin/backups')));
  useEffect(() => void refresh(), []);
  // While one is being written, follow it until it is listed (verified or failed).
  const running = list?.running?.name;
  useEffect(() => {
    if (!running) return;
    const id = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(id);
  }, [list]);

  const backUpNow = () =>
    start.run(async () => {
      await api('POST', '/v1/admin/backups');
      toast(t.admin.backupStarted);
      await refresh();
    });
  const save = (b: Backup) =>
    download.run(async () => {
      const blob = await api<Blob>('GET', `/v1/admin/backups/${encodeURIComponent(b.name)}`, { binary: true });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = b.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }, b.name);

  const s = list?.schedule;
  return (
    <section class="section" aria-labelledby="backups-title" aria-busy={load.busy}>
      <h2 id="backups-title">{t.admin.backups}</h2>
      <p class="hint">{t.admin.backupsLead}</p>
      <ErrorMessage error={load.error} />
      {s && (
        <dl class="card admin-facts">
          <div>
            <dt>{t.admin.nextBackup}</dt>
            <dd>{s.nextRun ? fullTime(s.nextRun) : t.admin.noSchedule}</dd>
          </div>
          <div>
            <dt>{t.admin.kept}</dt>
            <dd>{t.admin.keep(s.keep.daily, s.keep.weekly, s.keep.monthly)}</dd>
          </div>
          <div>
            <dt>{t.admin.encryption}</dt>
            <dd>{s.encrypted ? t.admin.encrypted : t.admin.notEncrypted}</dd>
          </div>
          <div>
            <dt>{t.admin.folder}</dt>
            <dd>
              <code>{list.dir}</code>
            </dd>
          </div>
        </dl>
      )}
      {list?.running && <p role="status">{t.admin.backupRunning}</p>}
      {list?.last && !list.last.ok && !list.running && (
        <p role="alert" class="error">
          {t.admin.lastFailed(fullTime(list.last.at), list.last.error ?? '')}
        </p>
      )}
      <button type="button" class="btn" disabled={!!start.busy || !!running} onClick={backUpNow}>
        {running || start.busy ? t.admin.backingUp : t.admin.backUpNow}
      </button>
      <ErrorMessage error={start.error ?? download.error} />
      {list && list.backups.length === 0 && <p class="hint">{t.admin.noBackups}</p>}
      {list && list.backups.length > 0 && (
        <ul class="list admin-backups" aria-labelledby="backups-title">
          {list.backups.map((b) => (
            <li key={b.name} class={`card admin-backup admin-backup-${b.status}`}>
              <span class="admin-backup-when">{fullTime(b.createdAt)}</span>
              <span class="hint">{t.admin.size(b.bytes)}</span>
              <span class="admin-backup-status">
                <span aria-hidden="true">{b.status === 'verified' ? '✓ ' : b.status === 'failed' ? '✗ ' : ''}</span>
                {t.admin.backupStatus[b.status]}
                {b.encrypted && ` · ${t.admin.encryptedShort}`}
              </span>
              {b.status === 'failed' && b.error && <span class="hint admin-backup-error">{b.error}</span>}
              {b.status !== 'failed' && (
                <button type="button" class="btn small" disabled={download.busy === b.name} onClick={() => save(b)} aria-label={t.admin.download(fullTime(b.createdAt))}>
                  {download.busy === b.name ? t.admin.downloading : t.admin.downloadShort}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
