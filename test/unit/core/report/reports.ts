// Reports as the pipeline would build them, from real ChangeSets and health results, for the golden tests.
import type { ChangeSet } from '../../../../core/diff/change-set.js';
import { computeChangeSet } from '../../../../core/diff/change-set.js';
import { aggregateHealth } from '../../../../core/health/aggregate-health.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import { refKey, refOf } from '../../../../core/kube/object.js';
import type { DeployReport } from '../../../../core/report/deploy-report.js';
import { obj, ref } from '../kube-objects.js';

const byRef = (objects: KubeObject[]) => new Map(objects.map((o) => [refKey(refOf(o)), o]));
const deployment = (image: string, replicas = 2) =>
  obj('apps/v1', 'Deployment', 'catalog', 'shop-staging', { spec: { replicas, template: { spec: { containers: [{ name: 'catalog', image }] } } } });
const config = (level: string) => obj('v1', 'ConfigMap', 'catalog-config', 'shop-staging', { data: { LOG_LEVEL: level, 'feature|flags': `a\`b-${level}` } });
const secret = (password: string) => obj('v1', 'Secret', 'catalog-db', 'shop-staging', { data: { password: Buffer.from(password).toString('base64') } });
const route = obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'catalog', 'shop-staging', { spec: {} });
const oldWorker = obj('apps/v1', 'Deployment', 'catalog-worker', 'shop-staging', { spec: {} });

/** A typical deploy: a new image, a config change, a rotated password, a new route, a worker removed. */
export function typicalChangeSet(): ChangeSet {
  const desired = [deployment('registry.local/shop/catalog:b2c4e6f'), config('info'), secret('new-password'), route];
  const live = [deployment('registry.local/shop/catalog:a1b3c5d'), config('debug'), secret('old-password'), oldWorker];
  return computeChangeSet(
    { desired, live: byRef(live), dryRun: byRef(desired), previousInventory: live.map(refOf), prune: true },
    { secretSalt: 'golden' },
  );
}

const SHA = 'b2c4e6f8a0b2c4e6f8a0b2c4e6f8a0b2c4e6f8a0';
const GOOD = 'a1b3c5d7e9a1b3c5d7e9a1b3c5d7e9a1b3c5d7e9';
const timings = { render: 140, validate: 420, diff: 95, apply: 1_310, prune: 80, rollout: 42_500 };
const catalog = ref('apps/v1', 'Deployment', 'catalog', 'shop-staging');
const crashing = aggregateHealth([
  { ref: catalog, health: { status: 'Degraded', reason: 'CrashLoopBackOff', message: 'container "catalog" of pod shop-staging/catalog-5b8f4d-xk2lp is in CrashLoopBackOff after 4 restarts (last exit: Error, code 1)' } },
  { ref: ref('gateway.networking.k8s.io/v1', 'HTTPRoute', 'catalog', 'shop-staging'), health: { status: 'Healthy', reason: 'Ready', message: 'ready' } },
]);
const failure = { reason: 'CrashLoopBackOff', message: crashing.message } as const;

/** One report per outcome, named as the golden files are. */
export const goldenReports: Record<string, DeployReport> = {
  'succeeded-with-changes': {
    environment: 'staging',
    sha: SHA,
    mode: 'apply',
    outcome: 'succeeded',
    changeSet: typicalChangeSet(),
    health: aggregateHealth([{ ref: catalog, health: { status: 'Healthy', reason: 'Ready', message: '2 of 2 replicas available' } }]),
    timings,
  },
  'rolled-back': { environment: 'staging', sha: SHA, mode: 'apply', outcome: 'rolled-back', changeSet: typicalChangeSet(), health: crashing, timings: { ...timings, rollback: 9_800 }, failure, rolledBackTo: { revision: 6, sha: GOOD } },
  'rollback-failed': {
    environment: 'staging',
    sha: SHA,
    mode: 'apply',
    outcome: 'rollback-failed',
    changeSet: typicalChangeSet(),
    health: crashing,
    failure: { reason: 'RollbackFailed', message: `${crashing.message}; rolling back to revision 6 (a1b3c5d) failed too (ImmutableFieldChanged, after 1 try): spec.selector: field is immutable` },
  },
  'render-failed': {
    environment: 'staging',
    sha: SHA,
    mode: 'apply',
    outcome: 'failed',
    failure: { reason: 'RenderFailed', message: 'environments/staging/kustomization.yaml: resources[2]: ../../apps/catalog/bse: no such directory\n(did you mean ../../apps/catalog/base?)' },
    timings: { render: 35 },
  },
  'dry-run-planned': { environment: 'staging', sha: SHA, mode: 'dry-run', outcome: 'planned', changeSet: typicalChangeSet(), timings: { render: 140, validate: 420, diff: 95 } },
  'preview-in-progress': { environment: 'staging', sha: SHA, mode: 'apply', target: { kind: 'preview', namespace: 'shop-staging-pr-42' }, outcome: 'in-progress' },
  'preview-failed': {
    environment: 'staging',
    sha: SHA,
    mode: 'apply',
    target: { kind: 'preview', namespace: 'shop-staging-pr-42' },
    outcome: 'failed',
    health: crashing,
    failure: { reason: 'CrashLoopBackOff', message: crashing.message },
    timings: { render: 120, validate: 300, diff: 80, apply: 400, rollout: 30_000 },
    preview: {
      environmentName: 'pr-42/staging',
      transient: true,
      pullRequest: 42,
      namespace: 'shop-staging-pr-42',
      urls: ['catalog.shop-staging-pr-42.svc.cluster.local', 'orders.shop-staging-pr-42.svc.cluster.local'],
      skipped: [ref('v1', 'Namespace', 'shop-staging'), ref('rbac.authorization.k8s.io/v1', 'ClusterRole', 'catalog-reader')],
      ignoredConfig: ['preview'],
    },
  },
  superseded: { environment: 'staging', sha: SHA, mode: 'apply', outcome: 'superseded', supersededBy: GOOD, failure: { reason: 'Superseded', message: 'superseded' } },
  'succeeded-no-changes': {
    environment: 'production',
    sha: SHA,
    mode: 'apply',
    outcome: 'succeeded',
    changeSet: computeChangeSet({ desired: [route], live: byRef([route]), dryRun: byRef([route]), previousInventory: [refOf(route)], prune: true }, { secretSalt: 'g' }),
    health: aggregateHealth([]),
    timings: { render: 100, validate: 300, diff: 50 },
  },
};
