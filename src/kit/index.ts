/**
 * The service kit: everything a Hearth service stands on. Imports nothing internal.
 *
 * @example
 * import { defineService, command, event, AppError } from '../../src/kit/index.ts';
 */
export { AppError, ErrorKind, toAppError, type WireError } from './errors.ts';
export { uuidv7, uuidv7Time } from './ids.ts';
export { encode, decode } from './codec.ts';
export { createLogger, redactFields, LEVELS, type Level, type Logger, type Fields } from './log.ts';
export { retry, backoffDelay, backoffCeiling, sleep, type Backoff, type RetryOptions } from './retry.ts';
export { CircuitBreaker, type BreakerOptions, type BreakerState } from './breaker.ts';
export { command, query, event, check, type Operation, type EventType, type Schema, type RequestOf, type ParsedRequestOf, type ReplyOf, type DataOf } from './contract.ts';
export { EnvelopeSchema, LogReadRequest, LogReadReply, HealthReply, ReadinessReply, ReplicationReadiness, readinessOp, LOG_READ_MAX, kitSubjects, Headers, type Envelope, type EpochInfo } from './envelope.ts';
export * from './bus/index.ts';
export * from './db/index.ts';
export { EventLog, eraseCondition, type AppendMeta, type EraseFilter, type InlineProjection } from './es/event-log.ts';
export { on, dispatcher, type EventHandler, type OnInvalid } from './es/handlers.ts';
export { writeTx, traceOf, type WriteTx, type Trace as EventTrace } from './es/write-tx.ts';
export { inlineProjection, consumerSpec } from './service/consumption.ts';
export { Relay, type RelayOptions } from './es/relay.ts';
export { Consumer, logReadOp, readCheckpoint, type ConsumerSpec, type LogPage } from './es/consumer.ts';
export { KIT_MIGRATIONS } from './es/schema.ts';
export { stampRestore, readEpochs, reconcile, type Reconciled } from './es/epoch.ts';
export { defineService, type ServiceDefinition, type ServiceApi, type RequestContext, type WriteOptions, type ServiceHandler, type ProjectionSpec, type ConsumeSpec } from './service/define.ts';
export { runService, healthOp, RUN_DEFAULTS, type RunOptions, type RunningService } from './service/run.ts';
export { forgetIdempotency } from './service/idempotency.ts';
export * from './saga/index.ts';
export * from './runtime/index.ts';
export { HEARTH_VERSION } from './version.ts';
export { CertificateError, CertificateFiles, loadCertificate, type CertificateState, type LoadedCertificate } from './certificate-files.ts';
