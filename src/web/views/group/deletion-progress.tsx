/**
 * A group's deletion as its owner follows it (`GET /v1/groups/{id}/deletion`, asked every
 * second while it runs): each step in words, done or not, in a live region; when it has
 * completed the group goes from the page ("… was deleted"), as when the stream's
 * `group.deleted` arrives first.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Group } from '../../api/types.ts';
import { dropGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { Dialog } from '../../ui/index.ts';

/** The deletion as the API shows it (what this view uses of it). */
interface Deletion {
  status: 'running' | 'compensating' | 'completed' | 'failed' | 'cancelled';
  steps: { name: string; status: string }[];
  lastError: { code: string; message: string } | null;
}

const POLL_MS = 1_000;

/** Follows the deletion of `group` until it completes (or fails). */
export function DeletionProgress({ group, onClose }: { group: Group; onClose: () => void }) {
  const [d, setD] = useState<Deletion | null>(null);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      const got = await api<Deletion>('GET', `/v1/groups/${group.id}/deletion`).catch(() => null);
      if (stop) return;
      if (got) setD(got);
      if (got?.status === 'completed') dropGroup(group.id, t.groups.deleted(group.name));
      else if (got?.status !== 'failed') timer = setTimeout(() => void ask(), POLL_MS);
    };
    void ask();
    return () => ((stop = true), clearTimeout(timer));
  }, [group.id]);

  const words = t.group.deletion;
  return (
    <Dialog title={words.title(group.name)} onClose={onClose}>
      <p>{words.lead(group.name)}</p>
      <ol class="deletion-steps" aria-live="polite" aria-label={words.stepsLabel}>
        {(d?.steps ?? []).map((s) => (
          <li key={s.name} data-status={s.status}>
            {words.step[s.name] ?? s.name}: {s.status === 'done' ? words.done : s.status === 'running' ? words.running : words.pending}
          </li>
        ))}
      </ol>
      {d?.status === 'running' && d.lastError && <p role="status">{words.waiting}</p>}
      {d?.status === 'failed' && <p role="alert">{words.failed}</p>}
    </Dialog>
  );
}
