/** Signing in through external OpenID providers: the flows of one gateway (flows.ts). */
export { FLOW_COOKIE, flowsOf, OidcFlows, type ExternalIdentity } from './flows.ts';
