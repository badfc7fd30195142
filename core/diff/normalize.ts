import type { KubeObject } from '../kube/object.js';
import { PIPELINE_LABELS } from '../kube/pipeline-metadata.js';
import type { IgnoreRule } from './ignore-rules.js';
import { withoutIgnoredFields } from './ignore-rules.js';
import { maskSecretData } from './mask-secret.js';

/** How objects are made comparable. */
export interface NormalizeOptions {
  /** Fields left to other owners (see {@link IgnoreRule}). Default: none. */
  readonly ignore?: readonly IgnoreRule[];
  /** Salt for the markers that replace Secret values (see `secretMarker`): random per process in the worker. */
  readonly secretSalt: string;
}

/** Metadata the apiserver writes for its own bookkeeping: never part of what a user declares. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
] as const;

/** Written by client-side `kubectl apply`; a stale copy of an old desired state, not a field anyone declares. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A deep copy of `obj` fit for comparison: without `status`, without the apiserver's bookkeeping metadata, the
 * pipeline's own labels (`PIPELINE_LABELS`) and the last-applied annotation, without ignored fields, with Secret values replaced by markers. Empty `labels` and
 * `annotations` are dropped, so `{}` and absent compare equal.
 *
 * Server-defaulted fields are not removed here: a diff against the server's dry-run result (see `diffObject`)
 * already carries them on both sides, which is what keeps it quiet.
 */
export function normalizeObject(obj: KubeObject, options: NormalizeOptions): Record<string, unknown> {
  const copy = withoutIgnoredFields(obj, structuredClone(obj) as Record<string, unknown>, options.ignore ?? []);
  delete copy['status'];
  const metadata = copy['metadata'];
  if (isRecord(metadata)) normalizeMetadata(metadata);
  if (obj.kind === 'Secret' && obj.apiVersion === 'v1') maskSecretData(copy, options.secretSalt);
  return copy;
}

function normalizeMetadata(metadata: Record<string, unknown>): void {
  for (const field of SERVER_METADATA) delete metadata[field];
  const annotations = metadata['annotations'];
  if (isRecord(annotations)) delete annotations[LAST_APPLIED_ANNOTATION];
  const labels = metadata['labels'];
  if (isRecord(labels)) for (const label of PIPELINE_LABELS) delete labels[label];
  for (const map of ['annotations', 'labels']) {
    const value = metadata[map];
    if (isRecord(value) && Object.keys(value).length === 0) delete metadata[map];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
