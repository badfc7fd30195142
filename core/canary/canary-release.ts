// Which planned canaries a release actually walks, and what the environment apply leaves to them. A canary runs only
// where there is a stable version to run beside and its pods change: the Deployment exists live and this release
// changes its pod template. A first release of an app (created), or one that changes only its replicas or labels,
// is applied in place as any object. For each walked canary the stable Deployment's new template is taken out of
// the apply list and the objects waited on: stable keeps its old pods until promotion applies the new template.
import type { ChangeSet } from '../diff/change-set.js';
import { refKey, refOf, type KubeObject } from '../kube/object.js';
import type { PlannedCanary } from './plan-canaries.js';

export interface CanaryRelease {
  /** The canaries this release walks, in plan order. */
  readonly walks: readonly PlannedCanary[];
  /** {@link refKey}s of the stable Deployments the environment apply and the rollout wait leave alone. */
  readonly heldBack: ReadonlySet<string>;
}

const TEMPLATE_PATH = '/spec/template';

export function canaryRelease(changeSet: ChangeSet, planned: readonly PlannedCanary[]): CanaryRelease {
  const entries = new Map(changeSet.entries.map((entry) => [refKey(entry.ref), entry]));
  const walks = planned.filter((canary) => {
    const entry = entries.get(refKey(refOf(canary.deployment)));
    return (
      entry?.action === 'configured' &&
      entry.diff.some((change) => change.path === TEMPLATE_PATH || change.path.startsWith(`${TEMPLATE_PATH}/`))
    );
  });
  return { walks, heldBack: new Set(walks.map((canary) => refKey(refOf(canary.deployment)))) };
}

/** `objects` without the held-back stable Deployments. */
export function withoutHeldBack(objects: readonly KubeObject[], release: CanaryRelease): KubeObject[] {
  return objects.filter((object) => !release.heldBack.has(refKey(refOf(object))));
}
