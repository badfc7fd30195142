/**
 * Webhooks as GitHub sends them: payloads built from real examples (npm `@octokit/webhooks-examples`), signed
 * with GitHub's HMAC scheme and delivered with GitHub's headers. Usable without a running emulator.
 */
export { buildPingPayload, type PingPayloadOptions } from './webhooks/build-ping-payload.js';
export {
  buildPullRequestPayload,
  type PullRequestAction,
  type PullRequestPayloadOptions,
} from './webhooks/build-pull-request-payload.js';
export { buildPushPayload, ZERO_SHA, type PushCommit, type PushPayloadOptions } from './webhooks/build-push-payload.js';
export {
  deliverWebhook,
  HOOKSHOT_USER_AGENT,
  type DeliverWebhookOptions,
  type WebhookDelivery,
} from './webhooks/deliver-webhook.js';
export type { WebhookRepository } from './webhooks/retarget.js';
export { signWebhookBody, type WebhookSignatures } from './webhooks/sign-webhook-body.js';
export type { WebhookPayload } from './webhooks/webhook-examples.js';
