// The container resources a VerticalPodAutoscaler manages, so a deploy neither reverts nor reports its choices.
import type { KubeObject } from '../kube/object.js';
import { refKey, refOf, splitApiVersion } from '../kube/object.js';
import type { IgnoreRule } from './ignore-rules.js';
import { withoutIgnoredFields } from './ignore-rules.js';
import { formatPointer } from './json-pointer.js';

/** One resource value of one container: `['requests', 'cpu']`. */
export type ResourceField = readonly ['requests' | 'limits', string];

/** A container of a workload whose resources a VPA changes, with the values it changes. */
export interface VpaContainer {
  readonly index: number;
  readonly name: string;
  readonly fields: readonly ResourceField[];
}

/** A rendered workload a VPA in an updating mode targets. */
export interface VpaTarget {
  readonly workload: KubeObject;
  /** `VerticalPodAutoscaler/<name>`, for messages. */
  readonly vpa: string;
  readonly containers: readonly VpaContainer[];
}

/**
 * The modes in which a VPA changes running pods' resources (evicting them, or resizing them in place); `Auto` is
 * the deprecated name of `Recreate`, which is also what an absent updateMode means. `Off` only recommends and
 * `Initial` sets resources once at pod creation, so in those modes the manifest's values are the ones that hold.
 */
export const VPA_UPDATING_MODES: ReadonlySet<string> = new Set(['Auto', 'Recreate', 'InPlaceOrRecreate']);

interface ContainerPolicy {
  containerName?: unknown;
  mode?: unknown;
  controlledResources?: unknown;
  controlledValues?: unknown;
}

interface VpaSpec {
  targetRef?: { kind?: unknown; name?: unknown };
  updatePolicy?: { updateMode?: unknown };
  resourcePolicy?: { containerPolicies?: unknown };
}

/** The VPA's policy for a container: its own entry, else the `*` entry, else the defaults. */
function policyFor(policies: readonly ContainerPolicy[], container: string): ContainerPolicy {
  return policies.find((p) => p.containerName === container) ?? policies.find((p) => p.containerName === '*') ?? {};
}

/** What a policy lets the VPA change: controlledResources (default cpu and memory) × controlledValues. */
function controlledFields(policy: ContainerPolicy): ResourceField[] {
  if (policy.mode === 'Off') return [];
  const resources = Array.isArray(policy.controlledResources)
    ? policy.controlledResources.filter((r): r is string => typeof r === 'string')
    : ['cpu', 'memory'];
  // RequestsAndLimits (the default) scales each limit with its request, keeping the manifest's ratio.
  const values: ('requests' | 'limits')[] = policy.controlledValues === 'RequestsOnly' ? ['requests'] : ['requests', 'limits'];
  return values.flatMap((value) => resources.map((resource): ResourceField => [value, resource]));
}

/** The VPA's updateMode; absent: `Recreate`, the default. */
export function vpaUpdateMode(vpa: KubeObject): string {
  const mode = ((vpa['spec'] ?? {}) as VpaSpec).updatePolicy?.updateMode;
  return typeof mode === 'string' ? mode : 'Recreate';
}

/**
 * The resources a VPA may change in some container: those of its containerPolicies not in mode Off, and cpu and
 * memory (the defaults) for the containers that no policy names when there is no `*` policy.
 */
export function vpaControlledResources(vpa: KubeObject): Set<string> {
  const spec = (vpa['spec'] ?? {}) as VpaSpec;
  const policies = Array.isArray(spec.resourcePolicy?.containerPolicies) ? (spec.resourcePolicy.containerPolicies as ContainerPolicy[]) : [];
  const fields = [...policies, ...(policies.some((p) => p.containerName === '*') ? [] : [{}])].flatMap(controlledFields);
  return new Set(fields.map(([, resource]) => resource));
}

function containersOf(workload: KubeObject): { name?: unknown }[] {
  const spec = workload['spec'] as { template?: { spec?: { containers?: unknown } } } | undefined;
  const containers = spec?.template?.spec?.containers;
  return Array.isArray(containers) ? (containers as { name?: unknown }[]) : [];
}

/** The rendered workloads that a rendered VPA in an updating mode targets, with the resources it changes. */
export function vpaTargets(objects: readonly KubeObject[]): VpaTarget[] {
  return objects.flatMap((vpa) => {
    if (vpa.kind !== 'VerticalPodAutoscaler' || splitApiVersion(vpa.apiVersion).group !== 'autoscaling.k8s.io') return [];
    const spec = (vpa['spec'] ?? {}) as VpaSpec;
    if (!VPA_UPDATING_MODES.has(vpaUpdateMode(vpa))) return [];
    const workload = objects.find(
      (o) => o.kind === spec.targetRef?.kind && o.metadata.name === spec.targetRef.name && o.metadata.namespace === vpa.metadata.namespace,
    );
    if (workload === undefined) return [];
    const policies = Array.isArray(spec.resourcePolicy?.containerPolicies) ? (spec.resourcePolicy.containerPolicies as ContainerPolicy[]) : [];
    const containers = containersOf(workload).flatMap((container, index) => {
      if (typeof container.name !== 'string') return [];
      const fields = controlledFields(policyFor(policies, container.name));
      return fields.length === 0 ? [] : [{ index, name: container.name, fields }];
    });
    return containers.length === 0 ? [] : [{ workload, vpa: `VerticalPodAutoscaler/${vpa.metadata.name}`, containers }];
  });
}

function targetRule(target: VpaTarget): IgnoreRule {
  const { workload } = target;
  return {
    kind: workload.kind,
    group: splitApiVersion(workload.apiVersion).group,
    name: workload.metadata.name,
    ...(workload.metadata.namespace !== undefined && { namespace: workload.metadata.namespace }),
    pointers: target.containers.flatMap((c) =>
      c.fields.map((field) => formatPointer(['spec', 'template', 'spec', 'containers', c.index, 'resources', ...field])),
    ),
  };
}

/** One rule per VPA-managed workload, leaving the resources its VPA changes out of diffs. */
export function vpaIgnoreRules(objects: readonly KubeObject[]): IgnoreRule[] {
  return vpaTargets(objects).map(targetRule);
}

/**
 * Per workload (by refKey), the managed resources as the readable paths the live-state cache names changed owned
 * fields with (`spec.template.spec.containers[name=web].resources.requests.cpu`, see core/diff/owned-fields.ts).
 */
export function vpaManagedPaths(objects: readonly KubeObject[]): Map<string, string[]> {
  return new Map(
    vpaTargets(objects).map((t) => [
      refKey(refOf(t.workload)),
      t.containers.flatMap((c) => c.fields.map((field) => `spec.template.spec.containers[name=${c.name}].resources.${field.join('.')}`)),
    ]),
  );
}

/**
 * `workload` as applied once its VPA holds the managed resources: without them, and without the `resources`,
 * `requests` and `limits` maps that leaves empty (an applied empty map would make its owner own the whole map).
 */
export function withoutVpaResources(target: VpaTarget, workload: KubeObject): KubeObject {
  const stripped = withoutIgnoredFields(workload, workload, [targetRule(target)]);
  for (const container of containersOf(stripped) as { resources?: Record<string, unknown> }[]) {
    const resources = container.resources;
    if (resources === undefined) continue;
    for (const key of ['requests', 'limits']) if (isEmptyMap(resources[key])) delete resources[key];
    if (Object.keys(resources).length === 0) delete container.resources;
  }
  return stripped;
}

function isEmptyMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** The managed resource values the live workload holds, per container name (absent ones left out). */
function liveValues(target: VpaTarget, live: KubeObject): { name: string; resources: Record<string, Record<string, unknown>> }[] {
  const containers = containersOf(live) as { name?: unknown; resources?: Record<string, Record<string, unknown> | undefined> }[];
  return target.containers.flatMap((managed) => {
    const container = containers.find((c) => c.name === managed.name);
    const resources: Record<string, Record<string, unknown>> = {};
    for (const [value, resource] of managed.fields) {
      const current = container?.resources?.[value]?.[resource];
      if (current !== undefined) resources[value] = { ...resources[value], [resource]: current };
    }
    return Object.keys(resources).length === 0 ? [] : [{ name: managed.name, resources }];
  });
}

/** True when `manager`'s server-side apply owns one of the managed resource values in the live workload. */
export function ownsVpaResources(target: VpaTarget, live: KubeObject, manager: string): boolean {
  const entries = (live.metadata as { managedFields?: { manager?: string; operation?: string; subresource?: string; fieldsV1?: unknown }[] }).managedFields ?? [];
  return entries.some((entry) => {
    if (entry.manager !== manager || entry.operation !== 'Apply' || (entry.subresource ?? '') !== '') return false;
    const containers = at(entry.fieldsV1, ['f:spec', 'f:template', 'f:spec', 'f:containers']);
    return target.containers.some((c) =>
      c.fields.some(([value, resource]) => at(containers, [`k:${JSON.stringify({ name: c.name })}`, 'f:resources', `f:${value}`, `f:${resource}`]) !== undefined),
    );
  });
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The hand-over of the managed resources, like the replicas-only one: the live values of every managed field,
 * applied under a temporary field manager, so that leaving them out of the next apply keeps them (a sole owner
 * dropping a field removes it) until the VPA, or whoever writes them, takes them over. Undefined when the live
 * workload holds none of them.
 */
export function resourcesHandover(target: VpaTarget, live: KubeObject): KubeObject | undefined {
  const containers = liveValues(target, live);
  if (containers.length === 0) return undefined;
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { name: live.metadata.name, ...(live.metadata.namespace !== undefined && { namespace: live.metadata.namespace }) },
    spec: { template: { spec: { containers } } },
  };
}
