/** The Hono environment of the gateway: what middleware puts on each request's context. */
import type { Context } from 'hono';

/** Per-request variables. */
export interface GatewayVariables {
  /** The request id (`X-Request-Id`, validated, or generated); the correlation id on the broker. */
  requestId: string;
  /** The client's IP address (X-Forwarded-For believed only from trusted proxies). */
  ip: string;
  /** The matched route pattern, for metrics (unset: unmatched). */
  route: string | undefined;
  /** The code of the problem answered, for metrics. */
  errorCode: string | undefined;
}

/** The gateway's Hono environment. */
export interface GatewayEnv {
  Variables: GatewayVariables;
}

/** A request context of the gateway. */
export type GatewayContext = Context<GatewayEnv>;
