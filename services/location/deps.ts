/** What every handler of the location service works with, built once in main.ts. */
import type { Db, ServiceApi } from '../../src/kit/index.ts';
import type { LocationSettings } from './settings.ts';
import type { ScopeStore } from './store/scopes.ts';

/** The handlers' shared means. */
export interface Deps {
  api: ServiceApi;
  db: Db;
  settings: LocationSettings;
  scopes: ScopeStore;
}
