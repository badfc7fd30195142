import { KustomizeFailure } from '../errors.js';
import { gvkEquals, gvkString, type Gvk, type ResId } from '../resource/res-id.js';
import type { Resource } from '../resource/resource.js';

/** kustomize's default `legacy` order: kinds that others depend on first, webhooks last. */
export const LEGACY_ORDER_FIRST: readonly string[] = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
export const LEGACY_ORDER_LAST: readonly string[] = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** `sortOptions:` of a kustomization. */
export interface SortOptions {
  readonly order?: string | null;
  readonly legacySortOptions?: {
    readonly orderFirst?: readonly string[] | null;
    readonly orderLast?: readonly string[] | null;
  } | null;
}

/**
 * Orders the output. With no sortOptions kustomize uses `legacy`: by kind rank (orderFirst, unranked, orderLast),
 * then group/version/kind, then namespace and name. `fifo` keeps the order resources were read in.
 */
export function sortResources(resources: readonly Resource[], options: SortOptions | null | undefined): Resource[] {
  // Without sortOptions kustomize sorts the legacy way; sortOptions without an order is its error below.
  const order = options === undefined || options === null ? 'legacy' : (options.order ?? '');
  if (order !== 'legacy' && order !== 'fifo') {
    throw new KustomizeFailure('invalid-kustomization', "the field 'sortOptions.order' must be one of [fifo, legacy]");
  }
  if (order === 'fifo') {
    if (options?.legacySortOptions) {
      throw new KustomizeFailure(
        'invalid-kustomization',
        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
      );
    }
    return [...resources];
  }
  const legacy = options?.legacySortOptions;
  const first = legacy ? (legacy.orderFirst ?? []) : LEGACY_ORDER_FIRST;
  const last = legacy ? (legacy.orderLast ?? []) : LEGACY_ORDER_LAST;
  const rank = new Map<string, number>();
  first.forEach((kind, i) => rank.set(kind, -first.length + i));
  last.forEach((kind, i) => rank.set(kind, 1 + i));
  const keyed = resources.map((r) => ({ r, id: r.curId() }));
  keyed.sort((a, b) => (lessThan(a.id, b.id, rank) ? -1 : lessThan(b.id, a.id, rank) ? 1 : 0));
  return keyed.map((k) => k.r);
}

function lessThan(a: ResId, b: ResId, rank: ReadonlyMap<string, number>): boolean {
  if (!gvkEquals(a.gvk, b.gvk)) return gvkLess(a.gvk, b.gvk, rank);
  return idSortString(a) < idSortString(b);
}

function gvkLess(a: Gvk, b: Gvk, rank: ReadonlyMap<string, number>): boolean {
  const ra = rank.get(a.kind) ?? 0;
  const rb = rank.get(b.kind) ?? 0;
  if (ra !== rb) return ra < rb;
  if (a.kind === 'Namespace' && b.kind === 'Namespace' && (a.group === '' || b.group === '')) {
    return gvkSortString(a) > gvkSortString(b);
  }
  return gvkSortString(a) < gvkSortString(b);
}

function gvkSortString(gvk: Gvk): string {
  return [gvk.group || '~G', gvk.version || '~V', gvk.kind || '~K'].join('_');
}

function idSortString(id: ResId): string {
  return [gvkString(id.gvk), id.namespace || '~X', id.name || '~N'].join('|');
}
