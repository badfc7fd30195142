import type { Logger } from 'pino';
import type { GitHubDelivery } from '../core/deploy/map-github-event.js';
import type { EnqueuePlanResult } from '../adapters/queue/pipeline-queues.js';
import { isUsableDeliveryId } from '../adapters/queue/pipeline-queues.js';
import { parsePayload, payloadFormat } from './parse-payload.js';
import { readBody } from './read-body.js';
import { routeEvent } from './route-event.js';
import { signatureProblem, verifySignature } from './verify-signature.js';
import { declaredLength, header, json, type WebhookRequest, type WebhookResponse } from './webhook-http.js';

/** What handling a delivery needs. */
export interface DeliveryDeps {
  readonly secret: string;
  readonly enqueuePlan: (delivery: GitHubDelivery) => Promise<EnqueuePlanResult>;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  readonly now: () => Date;
}

/**
 * `POST /webhooks/github`: size → signature → headers → JSON → route → enqueue. Checks run cheapest-first and
 * nothing from an unverified body is parsed or logged.
 */
export async function handleDelivery(request: WebhookRequest, deps: DeliveryDeps): Promise<WebhookResponse> {
  const claimed = {
    deliveryId: header(request.headers, 'x-github-delivery'),
    event: header(request.headers, 'x-github-event'),
  };
  const format = payloadFormat(header(request.headers, 'content-type'));
  if (!format)
    return json(
      415,
      { error: 'content type must be application/json or application/x-www-form-urlencoded' },
      { closeConnection: true },
    );

  const read = await readBody(request.body, deps.maxBodyBytes, declaredLength(request.headers));
  if (read.kind === 'too-large') {
    deps.log.warn({ ...claimed, limit: read.limit }, 'refused a body over the size limit');
    return json(413, { error: `body exceeds ${read.limit} bytes` }, { closeConnection: true });
  }
  const signature = await verifySignature(deps.secret, read.body, header(request.headers, 'x-hub-signature-256'));
  if (signature !== 'valid') {
    const problem = signatureProblem(signature);
    deps.log.warn({ ...claimed, signature }, `refused a delivery: ${problem}`);
    return json(401, { error: `${problem}: it must be the HMAC-SHA256 of the body with the webhook secret` });
  }
  const { deliveryId, event } = claimed;
  if (!event || !deliveryId || !isUsableDeliveryId(deliveryId)) {
    return json(400, { error: 'X-GitHub-Event and X-GitHub-Delivery (letters, digits, "-", "_") are required' });
  }
  const parsed = parsePayload(read.body, format);
  if (!parsed.ok) {
    deps.log.warn({ deliveryId, event }, `refused a delivery: ${parsed.message}`);
    return json(400, { error: parsed.message });
  }
  const delivery: GitHubDelivery = { event, deliveryId, payload: parsed.payload, receivedAt: deps.now().toISOString() };
  return accept(delivery, deps.log.child({ deliveryId, event, ...summarize(parsed.payload) }), deps);
}

async function accept(delivery: GitHubDelivery, log: Logger, deps: DeliveryDeps): Promise<WebhookResponse> {
  const route = routeEvent(delivery);
  switch (route.kind) {
    case 'ping':
      log.info({ hookId: route.hookId, zen: route.zen }, 'ping: the webhook is set up');
      return json(200, { ok: true, event: 'ping' });
    case 'invalid':
      log.warn(`refused a delivery: ${route.message}`);
      return json(400, { error: route.message });
    case 'ignore':
      log.info({ reason: route.reason }, `ignored: ${route.message}`);
      return json(202, { ignored: route.reason, message: route.message });
    case 'plan':
      return enqueue(delivery, log, deps);
  }
}

async function enqueue(delivery: GitHubDelivery, log: Logger, deps: DeliveryDeps): Promise<WebhookResponse> {
  let result: EnqueuePlanResult;
  try {
    result = await deps.enqueuePlan(delivery);
  } catch (error) {
    log.error({ err: error }, 'could not store the delivery; answered 503 so GitHub shows it failed (redeliver it)');
    return json(
      503,
      { error: 'the queue is unavailable; nothing was stored, redeliver later' },
      { headers: { 'retry-after': '5' } },
    );
  }
  if (result.status === 'duplicate') {
    log.info('redelivery of an accepted delivery: nothing to do');
    return json(200, { duplicate: true, deliveryId: delivery.deliveryId });
  }
  log.info({ sequence: result.sequence }, 'accepted: plan job stored');
  return json(202, { accepted: true, deliveryId: delivery.deliveryId });
}

/** Who and what a delivery is about, for its log lines: repository, ref and commit, pull request number. */
function summarize(payload: Record<string, unknown>): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  const repo = field(payload, 'repository', 'full_name');
  if (typeof repo === 'string') fields['repo'] = repo;
  if (typeof payload['ref'] === 'string') fields['ref'] = payload['ref'];
  const sha = payload['after'] ?? field(payload, 'pull_request', 'head', 'sha');
  if (typeof sha === 'string') fields['sha'] = sha;
  if (typeof payload['number'] === 'number') fields['pullRequest'] = payload['number'];
  return fields;
}

function field(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );
}
