// Drift: a field the pipeline applied, changed by someone else, seen from the live-state cache's watch events
// within moments of the change. What happens next is env.yaml's `drift.mode` (see compose.ts).
import type { Logger } from 'pino';
import type { EnvConfig } from '../core/config/env-config.js';
import type { DeployRequest } from '../core/deploy/deploy-request.js';
import type { BuildRef } from '../adapters/queue/build-job.js';
import { writerOf } from '../core/diff/owned-fields.js';
import type { ObjectRef } from '../core/kube/object.js';
import { formatRef } from '../core/kube/object.js';
import type { LiveCache, LiveEvent } from '../core/ports/live-cache.js';
import type { EnvLiveState } from './stages/deploy/live-state.js';

/** One object that moved away from what the environment's last deploy applied. */
export interface Drift {
  readonly env: EnvConfig;
  readonly ref: ObjectRef;
  /** The owned fields that changed (`spec.replicas`), or `(deleted)`. */
  readonly fields: readonly string[];
  /** Who changed it (the newest managedFields entry); undefined for a deletion. */
  readonly manager: string | undefined;
  /** The deploy whose result moved: its commit (and images) are the ones to re-apply or to report on. */
  readonly deployed: Deployed;
  /** Drifts seen in this environment since the worker started, this one included. */
  readonly count: number;
  /** When the watch reported it (ms since the epoch). */
  readonly seenAt: number;
}

/** A deploy as the queue ran it: the request, and the builds its images came from. */
export interface Deployed {
  readonly request: DeployRequest;
  readonly builds?: readonly BuildRef[];
}

interface Tracked {
  env: EnvConfig;
  deployed: Deployed;
  state: EnvLiveState;
  count: number;
}

/** Watches the environments deployed by this worker for drift from what they applied. */
export class DriftWatch {
  private readonly tracked = new Map<string, Tracked>();
  private readonly subscriptions = new Map<LiveCache, () => void>();

  constructor(
    private readonly fieldManager: string,
    private readonly log: Logger,
    private readonly onDrift: (drift: Drift) => Promise<void>,
  ) {}

  /** After a deploy applied `deployed` (succeeded or confirmed current): drift is measured from it from now on. */
  track(env: EnvConfig, deployed: Deployed, state: EnvLiveState): void {
    const count = this.tracked.get(env.name)?.count ?? 0;
    this.tracked.set(env.name, { env, deployed, state, count });
    if (!this.subscriptions.has(state.cache))
      this.subscriptions.set(state.cache, state.cache.subscribe((event) => this.seen(event)));
  }

  /** The deploy drift is measured from in `env`, if this worker deployed it. */
  deployedIn(env: string): Deployed | undefined {
    return this.tracked.get(env)?.deployed;
  }

  /** Drifts seen per environment since start. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.tracked].map(([name, { count }]) => [name, count]));
  }

  close(): void {
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
  }

  private seen(event: LiveEvent): void {
    for (const tracked of this.tracked.values()) {
      // Fields the render leaves to others (an autoscaler's replicas, a VPA's resources) are not drift: the memo says.
      const fields = tracked.state.memo.moved(event.key, event.object);
      const live = event.object;
      if (fields === undefined) continue;
      const manager = live && writerOf(live, fields, this.fieldManager);
      // Our own apply, seen before the deploy recorded its answer: the deploy will.
      if (manager === this.fieldManager) continue;
      // Forgotten: the next deploy dry-runs this object instead of trusting the memo.
      tracked.state.memo.forget(event.key);
      tracked.count += 1;
      const drift: Drift = {
        env: tracked.env,
        ref: event.ref,
        fields,
        manager,
        deployed: tracked.deployed,
        count: tracked.count,
        seenAt: Date.now(),
      };
      this.log.warn(
        { environment: tracked.env.name, object: formatRef(event.ref), fields, manager, driftCount: tracked.count, mode: tracked.env.drift.mode },
        `drift: ${describeDrift(drift)}`,
      );
      this.onDrift(drift).catch((error: unknown) =>
        this.log.error({ err: error, environment: tracked.env.name }, 'drift handling failed'),
      );
    }
  }
}

/** `Deployment/shop/api: spec.replicas changed by kubectl-edit`, for logs and the `drift/<env>` status. */
export function describeDrift(drift: Pick<Drift, 'ref' | 'fields' | 'manager'>): string {
  const what = drift.fields.join(', ');
  return `${formatRef(drift.ref)}: ${what}${drift.manager ? ` changed by ${drift.manager}` : ''}`;
}
