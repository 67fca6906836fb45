/**
 * "Send alerts to your phone": my forwarding targets, each with its state in words, a test
 * and its delivery log; then adding an ntfy topic (with how to subscribe in the app) or a
 * webhook. Five at most.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../strings.ts';
import { ErrorMessage } from '../../ui/index.ts';
import { AddTarget } from './add-target.tsx';
import { TargetItem } from './target-item.tsx';
import { loadTargets, MAX_TARGETS, targets } from './targets.ts';

/** The forwarding section. */
export function Targets() {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    loadTargets().catch(setError);
  }, []);
  const list = targets.value;
  return (
    <section class="section" aria-labelledby="targets-h">
      <h2 id="targets-h">{t.alerts.targetsTitle}</h2>
      <p class="hint">{t.alerts.targetsLead}</p>
      <ErrorMessage error={error} />
      {list && list.length === 0 && <p>{t.alerts.noTargets}</p>}
      {list && list.length > 0 && (
        <ul class="list" aria-labelledby="targets-h">
          {list.map((x) => (
            <TargetItem key={x.id} target={x} />
          ))}
        </ul>
      )}
      {list && (list.length >= MAX_TARGETS ? <p class="notice">{t.alerts.tooMany}</p> : <AddTarget />)}
    </section>
  );
}
