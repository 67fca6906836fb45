/** The broker side of the kit: connection, requests out, requests in. */
export { brokerServers, connectBroker, tcpTls, type BrokerTarget, type BrokerTls } from './connect.ts';
export { Requester, fromNatsError, isInfrastructureFailure, type CallOptions, type RequesterOptions } from './requester.ts';
export { Responder, type Handler, type HandlerContext } from './responder.ts';
export { okReply, errorReply, readReply, traceHeaders, readTrace, type Trace } from './wire.ts';
export { claimHeader, readClaim, type IdempotencyClaim } from './idempotency.ts';
