/**
 * The contracts of the account-deletion saga (docs/sagas.md): the orchestrator's (users) commands and
 * queries, and each participant's steps (sagaCommand) and reads (sagaQuery).
 */
export {};
