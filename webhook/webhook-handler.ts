import type { Logger } from 'pino';
import type { PipelineQueues } from '../adapters/queue/pipeline-queues.js';
import { handleDelivery, type DeliveryDeps } from './handle-delivery.js';
import { MAX_BODY_BYTES } from './read-body.js';
import { json, type WebhookRequest, type WebhookResponse } from './webhook-http.js';

/** What {@link createWebhookHandler} needs. */
export interface WebhookHandlerDeps {
  /** The webhook's secret, as configured on GitHub. */
  readonly secret: string;
  /** Where accepted deliveries go, and the Redis health check. */
  readonly queue: Pick<PipelineQueues, 'enqueuePlan' | 'ping'>;
  readonly log: Logger;
  /** Default 25 MiB, GitHub's own cap. */
  readonly maxBodyBytes?: number;
  /** Default: the clock. */
  readonly now?: () => Date;
}

/** The webhook service as a function of requests; see server.ts for the HTTP server around it. */
export interface WebhookHandler {
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}

/** The path GitHub delivers to. */
export const WEBHOOK_PATH = '/webhooks/github';

/**
 * Builds the webhook handler.
 *
 * @throws Error at construction when the secret is empty: an unverifiable hook must not start
 */
export function createWebhookHandler(deps: WebhookHandlerDeps): WebhookHandler {
  if (deps.secret.length === 0) throw new Error('createWebhookHandler: the webhook secret is empty');
  const delivery: DeliveryDeps = {
    secret: deps.secret,
    enqueuePlan: (d) => deps.queue.enqueuePlan(d),
    log: deps.log,
    maxBodyBytes: deps.maxBodyBytes ?? MAX_BODY_BYTES,
    now: deps.now ?? (() => new Date()),
  };
  return {
    async handle(request) {
      switch (request.path) {
        case WEBHOOK_PATH:
          if (request.method !== 'POST') return json(405, { error: 'use POST' }, { headers: { allow: 'POST' }, closeConnection: true });
          return handleDelivery(request, delivery);
        case '/healthz':
          return json(200, { status: 'ok' });
        case '/readyz':
          // Ready means a delivery could be stored now: Redis answers PING within a second.
          return (await deps.queue.ping(1_000)) ? json(200, { status: 'ready' }) : json(503, { status: 'redis unreachable' });
        default:
          return json(404, { error: 'not found' }, { closeConnection: true });
      }
    },
  };
}
