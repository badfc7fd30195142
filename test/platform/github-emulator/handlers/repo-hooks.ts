import { isoNow } from '../emulator-state.js';
import type { HookRecord } from '../emulator-state.js';
import { GitHubError } from '../github-error.js';
import { buildRepository } from '../objects/build-repository.js';
import { deliverWebhook } from '../webhooks/deliver-webhook.js';
import { bodyOf, creatorOf, repoApiUrl, repoOf } from './context-helpers.js';
import type { Handler, HandlerContext } from './handler.js';

/**
 * POST /repos/{owner}/{repo}/hooks: a webhook GitHub will call for the repository's events. The emulator delivers
 * `deployment_status` to the hooks that ask for it (or for `*`), signed with the hook's secret, as GitHub does when a
 * deployment status is created; other events are accepted and never sent (their deliveries are the admin API's).
 */
export const createRepoWebhook: Handler = (context) => {
  const repo = repoOf(context);
  const body = bodyOf(context);
  const config = (body['config'] ?? {}) as Record<string, unknown>;
  const url = config['url'];
  if (typeof url !== 'string' || url === '') {
    throw new GitHubError(422, 'Validation Failed', {
      documentationUrl: context.operation.documentationUrl,
      errors: [{ resource: 'Hook', field: 'config.url', code: 'custom', message: 'Config must contain url for webhook hook' }],
    });
  }
  const id = context.state.nextId('hook');
  const now = isoNow();
  const api = `${repoApiUrl(context, repo)}/hooks/${id}`;
  const events = (body['events'] as string[] | undefined) ?? ['push'];
  const active = (body['active'] as boolean | undefined) ?? true;
  const secret = typeof config['secret'] === 'string' ? config['secret'] : '';
  const hook = {
    type: 'Repository',
    id,
    name: 'web',
    active,
    events,
    // GitHub never shows a secret back.
    config: {
      url,
      content_type: (config['content_type'] as string | undefined) ?? 'form',
      insecure_ssl: String(config['insecure_ssl'] ?? '0'),
      ...(secret === '' ? {} : { secret: '********' }),
    },
    updated_at: now,
    created_at: now,
    url: api,
    test_url: `${api}/test`,
    ping_url: `${api}/pings`,
    deliveries_url: `${api}/deliveries`,
    last_response: { code: null, status: 'unused', message: null },
  };
  context.state.hooks.set(id, { repoKey: repo.key, object: hook, id, url, secret, events, active });
  return { status: 201, body: hook, headers: { location: api } };
};

/**
 * Sends `deployment_status` (action `created`) to every active hook of the deployment's repository that asks for it,
 * after the response, as GitHub's delivery is asynchronous. The outcome lands in the hook's `last_response`.
 */
export function deliverDeploymentStatus(
  context: HandlerContext,
  repoKey: string,
  deployment: Record<string, unknown>,
  status: Record<string, unknown>,
): void {
  const hooks = [...context.state.hooks.values()].filter(
    (hook) =>
      hook.repoKey === repoKey && hook.active && (hook.events.includes('deployment_status') || hook.events.includes('*')),
  );
  if (hooks.length === 0) return;
  const repo = repoOf(context);
  const payload = {
    action: 'created',
    deployment_status: status,
    deployment,
    repository: buildRepository(context.urls, repo),
    sender: creatorOf(context),
  };
  for (const hook of hooks) setImmediate(() => void deliverTo(hook, payload));
}

async function deliverTo(hook: HookRecord, payload: Record<string, unknown>): Promise<void> {
  const lastResponse = (hook.object['last_response'] ?? {}) as Record<string, unknown>;
  try {
    const delivery = await deliverWebhook({ url: hook.url, secret: hook.secret, event: 'deployment_status', payload, hookId: hook.id });
    Object.assign(lastResponse, { code: delivery.status, status: delivery.status < 300 ? 'active' : 'failed', message: null });
  } catch (error) {
    Object.assign(lastResponse, { code: null, status: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
