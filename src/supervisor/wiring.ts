/** How the supervisor hands its configuration to a child, and the broker's log to its own. */
import type { Logger as BrokerLogger } from '../../embedded-broker/index.ts';
import type { HearthConfig } from '../config/index.ts';
import type { BrokerTls, Logger } from '../kit/index.ts';
import type { Credential } from './credentials.ts';

/**
 * The environment of a service child: the parent's, plus where the data and the broker
 * are and the child's own credential (environment, not arguments, so `ps` cannot show it).
 */
export function childEnv(
  parent: NodeJS.ProcessEnv,
  config: HearthConfig,
  o: { brokerUrl: string; credential: Partial<Credential> & { token?: string }; instance: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    HEARTH_DATA: config.data,
    HEARTH_HTTP: config.http, // the gateway binds it, whether it came from a flag, a variable or the file
    HEARTH_LOG__LEVEL: config.log.level,
    HEARTH_LOG__FORMAT: config.log.format,
    HEARTH_BROKER__URL: o.brokerUrl,
    HEARTH_BROKER__USER: o.credential.user ?? '',
    HEARTH_BROKER__PASSWORD: o.credential.password ?? '',
    HEARTH_BROKER__TOKEN: o.credential.token ?? '',
    // The embedded broker has no TLS: only an external one's files go to the child.
    HEARTH_BROKER__TLS__CA_FILE: config.broker.url ? config.broker.tls.ca_file : '',
    HEARTH_BROKER__TLS__CERT_FILE: config.broker.url ? config.broker.tls.cert_file : '',
    HEARTH_BROKER__TLS__KEY_FILE: config.broker.url ? config.broker.tls.key_file : '',
    HEARTH_SUPERVISED: String(process.pid),
    HEARTH_SERVICE: o.instance,
  });
  return env;
}

/** The `broker.tls` files, as the broker client takes them. */
export function brokerTls(config: HearthConfig): BrokerTls {
  const t = config.broker.tls;
  return { caFile: t.ca_file, certFile: t.cert_file, keyFile: t.key_file };
}

/** The embedded broker's log through the supervisor's: its routine chatter at debug level. */
export function brokerLogger(log: Logger): BrokerLogger {
  const b = log.child({ component: 'broker' });
  return {
    info: (m) => b.debug(m),
    // nats-server's warning about plain WebSocket is for a public port; Hearth's is on
    // loopback by default, behind the gateway, so it is not the owner's concern.
    warn: (m) => (/not configured with TLS/.test(m) ? b.debug(m) : b.warn(m)),
    error: (m) => b.error(m),
    debug: (m) => b.debug(m),
    trace: () => {},
  };
}
