/**
 * Entry of the test build of the single executable: Hearth with the kit's test services
 * (`ledger`, `tally`) compiled in as built-ins, so the compiled binary — libSQL addon and
 * all — is tested end to end. A compiled binary cannot load plug-in `.ts` files that import
 * packages, so this is the way to put services into it.
 */
import { SERVICES } from '../../services/index.ts';

Object.assign(SERVICES, {
  ledger: () => import('./ledger.ts'),
  tally: () => import('./tally.ts'),
});
await import('../../bin/hearth.ts');
