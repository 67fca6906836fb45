/** Whether a group's deletion has begun, as SQL over the saga runtime's table (docs/sagas.md). */

/**
 * True (as SQL) of a group `g` whose deletion has begun (the group-deletion saga,
 * sagas/group-deletion.ts): from then on it is nobody's group here — not listed, no role
 * in it, no invite, rename or member change — though its row stays until the saga's last step.
 */
export const BEING_DELETED = `EXISTS (SELECT 1 FROM kit_sagas s WHERE s.type = 'delete_group' AND s.key = 'group:' || g.id AND s.state IN ('running', 'compensating'))`;
