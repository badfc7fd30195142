// What the webhook does with a verified delivery, decided by core's own event mapper so that the webhook and
// the planner can never disagree.
//
// The webhook does not know the environments (they live in the repository's env.yaml files, which only the
// planner fetches), so it runs the mapper with none. Every verdict the mapper reaches without them is final here:
// an invalid payload, a tag, a deleted branch, an event or pull request action that deploys nothing. Its one
// verdict that depends on them, `no-environment`, means "it depends": the delivery goes to the planner, which runs
// the same mapper with the real environments (and logs "no environment follows <branch>" when none does).
import type { GitHubDelivery, IgnoreReason } from '../core/deploy/map-github-event.js';
import { mapGitHubEvent } from '../core/deploy/map-github-event.js';
import { isPlannedEvent } from '../adapters/queue/plan-job.js';

/** The webhook's decision for one delivery. */
export type Route =
  /** GitHub checking the hook: answer, log, nothing else. */
  | { readonly kind: 'ping'; readonly hookId?: number; readonly zen?: string }
  /** Store a plan job. */
  | { readonly kind: 'plan' }
  /** Acknowledge and do nothing, saying why. */
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason; readonly message: string }
  /** Not what GitHub sends for this event: 400. */
  | { readonly kind: 'invalid'; readonly message: string };

/** Decides what to do with a verified delivery. */
export function routeEvent(delivery: GitHubDelivery): Route {
  if (delivery.event === 'ping') return pingRoute(delivery.payload);
  const decision = mapGitHubEvent(delivery, []);
  switch (decision.kind) {
    case 'invalid':
      return decision;
    case 'ignore':
      if (decision.reason !== 'no-environment' || !isPlannedEvent(delivery.event)) return decision;
      return { kind: 'plan' };
    default:
      // With no environments the mapper cannot decide to deploy; should it ever, planning is still right.
      return { kind: 'plan' };
  }
}

function pingRoute(payload: unknown): Route {
  const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const hookId = typeof fields['hook_id'] === 'number' ? fields['hook_id'] : undefined;
  const zen = typeof fields['zen'] === 'string' ? fields['zen'] : undefined;
  return { kind: 'ping', hookId, zen };
}
