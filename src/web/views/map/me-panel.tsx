/**
 * "Me": what I do on the map — SOS (first, large), share my location from this browser,
 * pause or resume sharing with the group, and my journey.
 */
import type { Group } from '../../api/types.ts';
import { t } from '../../strings.ts';
import { Journey } from './journey.tsx';
import { myView } from './map-state.ts';
import { PauseSharing } from './pause-sharing.tsx';
import { ShareHere } from './share-here.tsx';
import { SosControl } from './sos-control.tsx';

/** The Me panel for `group`. */
export function MePanel({ group }: { group: Group }) {
  const mine = myView.value;
  return (
    <section class="map-section me" aria-labelledby="me-title">
      <h2 id="me-title">{t.map.me.title}</h2>
      <SosControl group={group} mine={mine} />
      <ShareHere />
      <PauseSharing group={group} mine={mine} />
      <Journey group={group} mine={mine} />
    </section>
  );
}
