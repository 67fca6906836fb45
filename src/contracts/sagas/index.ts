/** The three sagas that span services (docs/sagas.md): their commands, queries and steps. */
export * from './account-deletion.ts';
export * from './group-deletion.ts';
export * from './export.ts';
export * from './users-events.ts';
