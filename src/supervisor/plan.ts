/**
 * Which service processes to run: every built-in service that exists in this build
 * (unless configuration disables it) and every configured plug-in service (`entry`), each
 * as many times as `instances` says.
 */
import type { HearthConfig } from '../config/index.ts';

/** One child process to run. */
export interface PlannedChild {
  /** Process name (`chat`, or `chat#2` for a second instance). */
  id: string;
  service: string;
}

/** The services to run, in a stable order. */
export function planServices(config: HearthConfig, builtins: readonly string[]): { services: string[]; children: PlannedChild[] } {
  const services: string[] = [];
  for (const name of builtins) if (config.services[name]?.enabled !== false) services.push(name);
  for (const [name, s] of Object.entries(config.services)) {
    if (!builtins.includes(name) && s.entry && s.enabled) services.push(name);
  }
  const children = services.flatMap((service) => {
    const n = config.services[service]?.instances ?? 1;
    return Array.from({ length: n }, (_, i) => ({ id: i === 0 ? service : `${service}#${i + 1}`, service }));
  });
  return { services, children };
}
