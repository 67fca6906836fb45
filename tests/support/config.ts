/** Hearth's configuration for a test run in this process, loaded the way Hearth loads it. */
import { loadConfig, type HearthConfig } from '../../src/config/index.ts';

/** Hearth's default configuration for a test: open registration and generous rate limits unless edited. */
export function testConfig(dir: string, edit: (c: HearthConfig) => void = () => {}): HearthConfig {
  const { config } = loadConfig([], {}, { cwd: dir });
  config.http = '127.0.0.1:0';
  config.public_url = 'https://hearth.test';
  config.users.registration = 'open';
  config.gateway.auth_rate_per_minute = 100_000;
  config.gateway.ip_rate_per_minute = 1_000_000;
  config.gateway.user_rate_per_minute = 1_000_000;
  edit(config);
  return config;
}
