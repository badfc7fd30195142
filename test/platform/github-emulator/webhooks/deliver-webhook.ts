import { randomUUID } from 'node:crypto';
import { signWebhookBody } from './sign-webhook-body.js';
import { stableId } from './retarget.js';
import type { WebhookPayload } from './webhook-examples.js';

/** GitHub gives up on a delivery after 10 seconds. */
const DELIVERY_TIMEOUT_MS = 10_000;
/** GitHub's delivery agent names itself `GitHub-Hookshot/<short sha of its build>`. */
export const HOOKSHOT_USER_AGENT = 'GitHub-Hookshot/e7a1c4f';

/** One delivery to make. */
export interface DeliverWebhookOptions {
  readonly url: string;
  readonly secret: string;
  /** The `X-GitHub-Event` name: `push`, `pull_request`, `ping`, … */
  readonly event: string;
  readonly payload: WebhookPayload;
  /** Reuse a previous delivery's id to redeliver it, as GitHub's "Redeliver" does. Defaults to a new UUID v4. */
  readonly deliveryId?: string;
  /** `X-GitHub-Hook-ID`; defaults to `payload.hook_id`, else a stable id for the repository. */
  readonly hookId?: number;
  /** What the hook is installed on; defaults to the payload's repository. */
  readonly installationTarget?: { readonly type: 'repository' | 'organization' | 'integration'; readonly id: number };
}

/** How the receiver answered. */
export interface WebhookDelivery {
  readonly status: number;
  /** The response body as text. */
  readonly body: string;
  readonly deliveryId: string;
}

/**
 * POSTs a webhook the way GitHub does: compact JSON, both signature headers, GitHub's `X-GitHub-*` headers and
 * user agent. The body is serialised once and that exact byte string is both signed and sent.
 */
export async function deliverWebhook(options: DeliverWebhookOptions): Promise<WebhookDelivery> {
  const body = JSON.stringify(options.payload);
  const signatures = signWebhookBody(options.secret, body);
  const deliveryId = options.deliveryId ?? randomUUID();
  const repository = options.payload['repository'] as { id?: number; full_name?: string } | undefined;
  const hookId =
    options.hookId ??
    (typeof options.payload['hook_id'] === 'number'
      ? options.payload['hook_id']
      : stableId(`hook:${repository?.full_name ?? ''}`));
  const target = options.installationTarget ?? { type: 'repository', id: repository?.id ?? 0 };
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': HOOKSHOT_USER_AGENT,
      'x-github-event': options.event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': String(hookId),
      'x-github-hook-installation-target-type': target.type,
      'x-github-hook-installation-target-id': String(target.id),
      'x-hub-signature': signatures.sha1,
      'x-hub-signature-256': signatures.sha256,
    },
    body,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text(), deliveryId };
}
