/**
 * "Tell me when Sam arrives at School": the user's arrival and departure watches in the
 * current group (who: a member or anyone; where: a place or any; when: arrives, leaves or
 * both), each with a Remove button. No watches in a group: every arrival and departure.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { Member, Place, Preferences } from '../../api/types.ts';
import { toast } from '../../app/toast.ts';
import { auth } from '../../api/session.ts';
import { currentGroup } from '../../stores/groups.ts';
import { t } from '../../strings.ts';
import { ErrorMessage, useAction } from '../../ui/index.ts';
import { changePrefs } from './prefs.ts';

type Watch = Preferences['watches'][number];
const ON = ['arrive', 'leave', 'both'] as const;

/** The watches section for the current group. */
export function Watches({ p }: { p: Preferences }) {
  const g = currentGroup.value;
  const [people, setPeople] = useState<Member[]>([]);
  const [places, setPlaces] = useState<Place[]>([]);
  const [who, setWho] = useState('');
  const [where, setWhere] = useState('');
  const [on, setOn] = useState<Watch['on']>('arrive');
  const { busy, error, run } = useAction();
  const id = useId();
  useEffect(() => {
    if (!g) return;
    void run(async () => {
      const [m, pl] = await Promise.all([api<{ members: Member[] }>('GET', `/v1/groups/${g.id}/members`), api<{ places: Place[] }>('GET', `/v1/groups/${g.id}/places`)]);
      setPeople(m.members.filter((x) => x.userId !== auth.value?.userId));
      setPlaces(pl.places);
    });
  }, [g?.id]);
  if (!g) return null;
  const mine = p.watches.filter((w) => w.groupId === g.id);
  const text = (w: Watch) =>
    t.alerts.watchText(
      w.userId ? (people.find((x) => x.userId === w.userId)?.displayName ?? '…') : t.alerts.anyone,
      t.alerts.watchOn[w.on]!,
      w.placeId ? (places.find((x) => x.id === w.placeId)?.name ?? '…') : t.alerts.anyPlace,
    );

  function add(e: Event) {
    e.preventDefault();
    const w: Watch = { groupId: g!.id, userId: who || null, placeId: where || null, on };
    void run(async () => {
      await changePrefs((x) => ({ ...x, watches: [...x.watches, w] }));
      toast(t.alerts.watchAdded);
    });
  }
  const remove = (w: Watch) =>
    run(async () => {
      await changePrefs((x) => ({ ...x, watches: x.watches.filter((y) => !(y.groupId === w.groupId && y.userId === w.userId && y.placeId === w.placeId && y.on === w.on)) }));
      toast(t.alerts.watchRemoved);
    });

  return (
    <section class="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t.alerts.watchesTitle}</h2>
      <p class="hint">{t.alerts.watchesLead(g.name)}</p>
      {mine.length === 0 ? (
        <p>{t.alerts.noWatches}</p>
      ) : (
        <ul class="list">
          {mine.map((w) => (
            <li key={`${w.userId}|${w.placeId}|${w.on}`} class="row">
              <span>{text(w)}</span>
              <button type="button" class="btn small" disabled={busy} onClick={() => remove(w)}>
                {t.alerts.removeWatch(text(w))}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="mute-form" onSubmit={add} aria-labelledby={`${id}-h`}>
        <div class="field">
          <label for={`${id}-who`}>{t.alerts.watchWho}</label>
          <select id={`${id}-who`} value={who} onChange={(e) => setWho(e.currentTarget.value)}>
            <option value="">{t.alerts.anyone}</option>
            {people.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-when`}>{t.alerts.watchWhen}</label>
          <select id={`${id}-when`} value={on} onChange={(e) => setOn(e.currentTarget.value as Watch['on'])}>
            {ON.map((o) => (
              <option key={o} value={o}>
                {t.alerts.watchOn[o]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-where`}>{t.alerts.watchWhere}</label>
          <select id={`${id}-where`} value={where} onChange={(e) => setWhere(e.currentTarget.value)}>
            <option value="">{t.alerts.anyPlace}</option>
            {places.map((pl) => (
              <option key={pl.id} value={pl.id}>
                {pl.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn primary" disabled={busy}>
          {t.alerts.addWatch}
        </button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
