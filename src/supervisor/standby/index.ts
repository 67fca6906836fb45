/**
 * The standby and its promotion (docs/operations.md, "Standby and promote"): `hearth
 * standby --from-replica URL` keeps a copy of a primary's replica a few seconds behind,
 * and `hearth promote` makes it the primary. A folder of its own rather than part of
 * replication/: a promoted standby runs `hearth serve`, which itself runs Litestream.
 */
export { runStandby } from './standby.ts';
export { runPromote } from './promote.ts';
