/**
 * Forwarding of notifications to a user's phones without a cloud account: ntfy topics and
 * signed webhooks, through an outbox with retries, a breaker per target and a delivery log.
 *
 * @example
 * import { Forwarder, enqueue, deliveryLog } from './forwarding/index.ts';
 */
export { Forwarder, type ForwarderOptions } from './forwarder.ts';
export { enqueue, deliveryLog, prune, forgetTargetDeliveries, RETENTION } from './store.ts';
export { ntfyRequest, ntfyCredentials, shownUrl, splitTopicUrl, webAppLink, NTFY_PRIORITY, NTFY_TAGS, OPEN_MAP, type TargetAddress, type LinkBase } from './ntfy.ts';
export { webhookRequest, sign, verifySignature, WEBHOOK_HEADERS, type WebhookBody, type HeaderBag } from './webhook.ts';
