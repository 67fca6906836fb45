/** `gateway`: proxies, CORS, body size, rate limits, idempotency, stream buffers. */
import { section, setting } from './declare.ts';
import { bytes, int, text } from './rules.ts';

/** The `gateway` section. */
export const gateway = section({
  trusted_proxies: setting(text('a comma-separated list of proxy IP addresses whose X-Forwarded-For is believed, or ""'), '',
    'comma-separated IPs of reverse proxies whose `X-Forwarded-For` is believed (for rate limits and logs)'),
  cors_origins: setting(text('a comma-separated list of origins allowed to call the API from a browser, "*", or ""'), '',
    'comma-separated origins allowed to call the API from a browser, or `*`; `""` allows none'),
  max_body_bytes: setting(bytes(1024, 16 * 1024 * 1024), 1_048_576, 'the largest request body; bigger ones get 413 (not on `POST /v1/owntracks`, which takes up to 64 MiB: a phone\'s photo of a point of interest)'),
  auth_rate_per_minute: setting(int(1, 100_000), 10, 'sign-in, registration and invite-preview attempts per client IP per minute'),
  user_rate_per_minute: setting(int(1, 1_000_000), 600, 'requests per signed-in user per minute'),
  ip_rate_per_minute: setting(int(1, 1_000_000), 1200, 'requests per client IP per minute (not on `POST /v1/owntracks`, which has its own bounds)'),
  owntracks_device_rate_per_minute: setting(int(60, 10_000_000), 30_000,
    'posts to `/v1/owntracks` per (user, device) per minute, in place of the per-user and per-IP limits there (a phone flushing its backlog posts one at a time; a user\'s phones together get four times this)'),
  idempotency_hours: setting(int(1, 720), 24, 'how long a POST\'s `Idempotency-Key` replays its first response (the gateway keeps the answer, and each service the commands it applied under the key, this long)'),
  stream_buffer: setting(int(16, 100_000, 'an integer number of events from 16 to 100000'), 256,
    'events buffered per stream connection, and the most one `Last-Event-ID` replay sends (more is a `reset`); a client further behind is disconnected'),
  max_streams_per_user: setting(int(1, 1000, 'an integer number of streams from 1 to 1000'), 20,
    'live streams (WebSocket `/v1/stream` and SSE `/v1/events` together) one user may hold; opening one more ends that user\'s oldest (WebSocket close 4429, SSE `event: end` reason `too_many_streams`)'),
});
