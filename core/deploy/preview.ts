// A pull request's preview: the environment's overlay, moved into the pull request's own namespace, with that
// namespace's ownership labels, quota, limits and network boundary. Pure: the deploy stage applies what this returns.
import type { EnvConfig } from '../config/env-config.js';
import type { DeployRequest } from './deploy-request.js';
import type { KubeObject, ObjectRef } from '../kube/object.js';
import { refOf } from '../kube/object.js';

/** On a preview namespace: the environment it previews (also what the per-environment limit counts). */
export const PREVIEW_OF_LABEL = 'gantry.dev/preview-of';
/** On a preview namespace: the pull request number. */
export const PULL_REQUEST_LABEL = 'gantry.dev/pull-request';
/** On a preview namespace: the head commit deployed last. */
export const HEAD_COMMIT_LABEL = 'gantry.dev/head-commit';
/** On a preview namespace: when the collector may delete it (its last deploy plus `preview.ttl`), ISO 8601. */
export const EXPIRES_AT_ANNOTATION = 'gantry.dev/expires-at';
/** On a preview namespace: `owner.name` of the repository, label-safe (the annotation of the same key has `owner/name`). */
export const REPOSITORY_LABEL = 'gantry.dev/repository';

/** Who a preview belongs to: written on its namespace, so a collector can find its pull request again. */
export interface PreviewOwner {
  /** `owner/name`. */
  readonly repository: string;
  readonly pullRequest: number;
  readonly headSha: string;
  /** When this deploy started, milliseconds since the epoch: the preview expires `preview.ttl` later. */
  readonly deployedAt: number;
}

/**
 * What a preview deploy's result carries for the report path: where the preview is and what it left out. Plain
 * JSON (it travels in queue jobs).
 */
export interface PreviewIdentity {
  /** GitHub's environment name, {@link previewEnvironmentName}: `pr-12/dev`. */
  readonly environmentName: string;
  /** Always true: a preview goes away with its pull request (GitHub's `transient_environment`). */
  readonly transient: true;
  readonly pullRequest: number;
  readonly namespace: string;
  /** `<service>.<namespace>.svc.cluster.local` per Service, in name order; empty before the render. */
  readonly urls: readonly string[];
  /** Cluster-scoped objects of the render that were not applied; empty before the render. */
  readonly skipped: readonly ObjectRef[];
  /**
   * The top-level fields of env.yaml the pull request's head changes, not used by its own preview (the base
   * branch's env.yaml is: {@link policyCommit}); `["env.yaml"]` when the head's file is missing or invalid. Absent
   * when the head changes nothing in env.yaml, or before the configuration is read.
   */
  readonly ignoredConfig?: readonly string[];
}

/**
 * The commit whose env.yaml configures a deploy. A push's own commit; for a pull request (its dry-run diff aside,
 * which shows what the pull request's env.yaml would change, at the target that tip names:
 * core/deploy/pull-request-target.ts) the base branch's tip the plan read, `request.before`: a pull
 * request's preview runs the head's overlay under the base's policy (cluster, namespace prefix, quota, limits,
 * network boundary, limit of previews, ttl), so it cannot raise its own limits. Its env.yaml changes apply once
 * merged.
 */
export function policyCommit(request: DeployRequest): string {
  return request.target.kind === 'preview' ? request.before : request.sha;
}

/**
 * The top-level env.yaml fields in which `head` differs from `base`, in `base`'s order then `head`'s new ones: what
 * a preview reports it did not use.
 */
export function changedEnvFields(base: EnvConfig, head: EnvConfig): string[] {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])];
  const a = base as unknown as Record<string, unknown>;
  const b = head as unknown as Record<string, unknown>;
  return keys.filter((key) => !sameValue(a[key], b[key]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) if (!sameValue(x[key], y[key])) return false;
  return true;
}

/** `pr-12/dev`: the preview's environment name on GitHub (Deployments), one per pull request and environment. */
export function previewEnvironmentName(environment: string, pullRequest: number): string {
  return `pr-${pullRequest}/${environment}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` cannot be a namespace, or undefined when it can. */
export function invalidNamespaceName(name: string): string | undefined {
  if (name.length > 63) return `"${name}" is ${name.length} characters; a namespace name has at most 63`;
  if (!DNS_LABEL.test(name))
    return `"${name}" is not a namespace name: lowercase letters, digits and "-", starting and ending with a letter or digit`;
  return undefined;
}

/**
 * The environment as its preview deploys it: every object and the release history in `namespace`, and no automatic
 * rollback (a failed preview is left as it is for the author to inspect; its older commits are no better).
 */
export function previewEnvConfig(env: EnvConfig, namespace: string): EnvConfig {
  return { ...env, namespace, rollback: { automatic: false } };
}

/** The render of an environment, moved into a preview namespace. */
export interface PreviewRender {
  /** The namespaced objects, now in the preview namespace. */
  readonly objects: KubeObject[];
  /** Cluster-scoped objects (the environment's own Namespace among them), not applied to a preview. */
  readonly skipped: ObjectRef[];
}

/**
 * Moves the environment's render into `namespace`: what kustomize's `namespace:` would do with the preview's name
 * (objects and RoleBinding subjects in the environment's namespace follow). Cluster-scoped objects are shared by
 * every preview and the environment itself, so a pull request may not change them: they are skipped and listed.
 */
export function relocateToPreview(objects: readonly KubeObject[], envNamespace: string, namespace: string): PreviewRender {
  const moved: KubeObject[] = [];
  const skipped: ObjectRef[] = [];
  for (const obj of objects) {
    const own = obj.metadata.namespace;
    if (own === undefined || own === '') {
      skipped.push(refOf(obj));
      continue;
    }
    moved.push(moveToNamespace(obj, envNamespace, namespace));
  }
  return { objects: moved, skipped };
}

/** A namespaced object moved from `from` into `to`, its RoleBinding subjects in `from` following it. */
export function moveToNamespace(obj: KubeObject, from: string, to: string): KubeObject {
  const metadata = { ...obj.metadata, namespace: to };
  if (obj.kind === 'RoleBinding' && Array.isArray(obj['subjects'])) {
    const subjects = (obj['subjects'] as readonly Record<string, unknown>[]).map((subject) =>
      subject['namespace'] === from ? { ...subject, namespace: to } : subject,
    );
    return { ...obj, metadata, subjects };
  }
  return { ...obj, metadata };
}

/**
 * The objects that make a preview namespace what it is, applied by the pipeline before the overlay: the Namespace
 * with its ownership labels, the environment's `preview.quota` and `preview.limits`, and a NetworkPolicy letting in
 * only pods of the preview itself and of the namespaces in `preview.allowFrom`.
 */
export function previewNamespaceObjects(env: EnvConfig, namespace: string, owner: PreviewOwner): KubeObject[] {
  const labels = {
    [PREVIEW_OF_LABEL]: env.name,
    [PULL_REQUEST_LABEL]: String(owner.pullRequest),
    [HEAD_COMMIT_LABEL]: owner.headSha,
    [REPOSITORY_LABEL]: repositoryLabel(owner.repository),
  };
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels,
        annotations: {
          [REPOSITORY_LABEL]: owner.repository,
          [EXPIRES_AT_ANNOTATION]: new Date(owner.deployedAt + env.preview.ttl).toISOString(),
        },
      },
    },
  ];
  const { quota, limits, allowFrom } = env.preview;
  if (quota && Object.keys(quota).length > 0)
    objects.push({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'preview', namespace }, spec: { hard: quota } });
  if (limits && Object.values(limits).some((set) => set !== undefined))
    objects.push({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'preview', namespace },
      spec: { limits: [{ type: 'Container', ...limits }] },
    });
  objects.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'preview-boundary', namespace },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: {} }] },
        ...allowFrom.map((allowed) => ({
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': allowed } } }],
        })),
      ],
    },
  });
  return objects;
}

/** `octo-org.shop`, cut to a label value's 63 characters (the annotation keeps the exact `owner/name`). */
function repositoryLabel(repository: string): string {
  return repository
    .replace(/\//g, '.')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/[^A-Za-z0-9]+$/, '');
}

/** `<service>.<namespace>.svc.cluster.local` of every Service of the preview, in name order. */
export function previewUrls(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((obj) => obj.apiVersion === 'v1' && obj.kind === 'Service')
    .map((obj) => `${obj.metadata.name}.${obj.metadata.namespace ?? ''}.svc.cluster.local`)
    .sort();
}
