/**
 * The location service: live sharing per (member, group) scope, journeys, SOS, places,
 * tracks, time travel and exports, event-sourced (docs/location.md). It keeps its own
 * membership read model from the users service's events and answers only through the
 * broker. Its clock is the kit's (`api.now()`; tests move it with `RunOptions.now`).
 */
import { defineService, type ServiceDefinition } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { handleFixes } from './handlers/fixes.ts';
import { handleHistory } from './handlers/history.ts';
import { handlePhoneCommands } from './handlers/phone-commands.ts';
import { handlePlaces } from './handlers/places.ts';
import { handleScopeCommands } from './handlers/scope-commands.ts';
import { handleViews } from './handlers/views.ts';
import { migrations } from './migrations.ts';
import { handlePhones } from './phones/handlers.ts';
import { membershipConsumer } from './consumers/membership.ts';
import { mountAccountDeletion } from './sagas/account-deletion.ts';
import { placesProjection } from './projections/places.ts';
import { scopeProjection } from './projections/scope.ts';
import { handleGroupDeletion } from './sagas/group-deletion.ts';
import { readSettings } from './settings.ts';
import { FoldHandoff } from './store/fold-handoff.ts';
import { ScopeStore } from './store/scopes.ts';
import { Timers } from './timers.ts';
import { handleExportSaga } from './sagas/export.ts';

/**
 * Builds the location service.
 *
 * @example
 * const svc = await runService(locationService(), { ...options, now: () => Date.now() + offset });
 */
export function locationService(): ServiceDefinition {
  return defineService({
    name: 'location',
    migrations,
    setup(api) {
      const settings = readSettings(api.settings);
      const handoff = new FoldHandoff(); // record's folds, taken by the scope projection
      const d: Deps = { api, db: api.db, settings, scopes: new ScopeStore(settings.rules, api.events, handoff) };
      api.project(scopeProjection(settings.rules, handoff));
      api.project(placesProjection());
      api.consume('users', membershipConsumer(api.events));
      mountAccountDeletion(api);
      handleExportSaga(api);
      for (const register of [handleFixes, handleScopeCommands, handlePlaces, handleViews, handleHistory, handlePhones, handlePhoneCommands, handleGroupDeletion]) register(d);
      const timers = new Timers(d, api);
      api.onStart(() => timers.start());
      api.onStop(() => timers.stop());
    },
  });
}

export default locationService();
