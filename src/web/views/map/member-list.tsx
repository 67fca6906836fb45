/**
 * Everyone in the group as a list beside the map (under it on a phone): state in words,
 * battery, last seen and distance from me. It is also the map for whoever cannot see the
 * map — tiles that do not load, a screen reader — so it always lists every member. Each
 * entry is a button that opens the member's details.
 */
import { auth } from '../../api/session.ts';
import type { MemberView } from '../../api/types.ts';
import { t } from '../../strings.ts';
import { Avatar, TimeAgo } from '../../ui/index.ts';
import { here, selected, shown } from './map-state.ts';
import { batteryWords, distanceWords, shownState, stateWords } from './member-status.ts';

/** Order: SOS first, then me, then everyone else by name. */
function order(list: MemberView[], me: string | undefined): MemberView[] {
  const rank = (m: MemberView) => (m.sos ? 0 : m.userId === me ? 1 : 2);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName));
}

/** The member list; `onSelect` when an entry is pressed. */
export function MemberList({ onSelect }: { onSelect: (userId: string) => void }) {
  const me = auth.value?.userId;
  const list = order(shown.value, me);
  const from = here.value;
  return (
    <section class="map-section" aria-labelledby="people-title">
      <h2 id="people-title">{t.map.people}</h2>
      {list.length === 0 && <p class="empty">{t.map.noPeople}</p>}
      <ul class="list people" aria-labelledby="people-title">
        {list.map((m) => {
          const state = shownState(m);
          const facts = [stateWords(m), batteryWords(m), m.userId === me ? null : distanceWords(m, from)].filter(Boolean).join(' · ');
          return (
            <li key={m.userId}>
              <button type="button" class={`person state-${state}`} aria-current={selected.value === m.userId ? 'true' : undefined} onClick={() => onSelect(m.userId)}>
                <Avatar id={m.userId} name={m.displayName} size={40} />
                <span class="person-text">
                  <span class="person-name">{m.userId === me ? t.map.you(m.displayName) : m.displayName}</span>
                  <span class="person-facts">
                    <span class={`state-word state-${state}`}>{facts}</span>
                    {m.lastSeen && (
                      <>
                        {' · '}
                        <TimeAgo iso={m.lastSeen} prefix={t.time.lastSeen} />
                      </>
                    )}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
