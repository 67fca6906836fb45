/** Sagas: declaring them, driving them (orchestrator), applying their steps once (participant), and showing them. */
export { saga, call, pages, until, local, sagaCommand, sagaQuery, type SagaDefinition, type SagaStep, type SagaScope, type SagaHook, type StepRequest, type StepDataOf, type CallStep, type PagesStep, type UntilStep, type LocalStep } from './define.ts';
export { SagaDriver, DEFAULT_STEP_RETRY, retryableStepError, type DriverMeans } from './driver.ts';
export { sagaHandle, type SagaHandle, type SagaStarted } from './handle.ts';
export { applyStepOnce, type StepContext } from './participant.ts';
export { sagaListOp, sagaGetOp, sagaQueries, sagaView, SagaView, SagaStepView } from './ops.ts';
export { SagaState, listSagas, loadSteps, type SagaRow, type StepRow, type StepStatus, type SagaError } from './store.ts';
export { readSectionPage, readSectionCursor, sectionCursor, type Section, type SectionKey, type SectionRow, type SectionCursor, type SectionPage } from './sectioned-pages.ts';
