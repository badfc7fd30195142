import { retargetRepository, retargetUser, stableId, type WebhookRepository } from './retarget.js';
import { cloneExample, type WebhookPayload } from './webhook-examples.js';

/** What to put into a `ping` payload, the event GitHub sends when a webhook is created. */
export interface PingPayloadOptions {
  readonly repository: WebhookRepository;
  /** Defaults to a stable id derived from the repository. */
  readonly hookId?: number;
  /** The URL the hook delivers to, as it appears in `hook.config.url`. */
  readonly url?: string;
  readonly events?: readonly string[];
}

/** A `ping` payload for a repository webhook, from the real example. */
export function buildPingPayload(options: PingPayloadOptions): WebhookPayload {
  const payload = cloneExample(
    'ping',
    (example) => (example['hook'] as Record<string, unknown>)['deliveries_url'] !== undefined,
  );
  retargetRepository(payload['repository'], options.repository);
  retargetUser(payload['sender'], options.repository.owner);
  const fullName = `${options.repository.owner}/${options.repository.name}`;
  const hookId = options.hookId ?? stableId(`hook:${fullName}`);
  const hook = payload['hook'] as Record<string, unknown>;
  const api = `https://api.github.com/repos/${fullName}/hooks/${hookId}`;
  delete hook['app_id'];
  Object.assign(hook, {
    id: hookId,
    events: [...(options.events ?? ['*'])],
    config: { content_type: 'json', insecure_ssl: '0', url: options.url ?? 'https://example.invalid/webhook' },
    url: api,
    test_url: `${api}/test`,
    ping_url: `${api}/pings`,
    deliveries_url: `${api}/deliveries`,
  });
  payload['hook_id'] = hookId;
  return payload;
}
