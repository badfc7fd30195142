import { z } from 'zod';
import { DeployError } from '../deploy-error.js';
import type { ObjectRef } from '../kube/object.js';
import { isReason, Reason } from '../reasons.js';
import type { Release } from './release.js';
import { DEPLOY_STAGES, RELEASE_OUTCOMES } from './release.js';

/** The format written into every record, so that a later version can tell old records from its own. */
export const RELEASE_FORMAT = 'gantry.dev/release-v1';

/**
 * The key the adapter stores the rendered manifests under (gzip, then base64). The codec neither writes nor reads
 * it: it only guarantees no field of its own ever uses it.
 */
export const RELEASE_MANIFESTS_KEY = 'manifests';

/** The name of the object that holds revision `revision` of `environment`'s history: `gantry-release.staging.v7`. */
export function releaseObjectName(environment: string, revision: number): string {
  return `gantry-release.${environment}.v${revision}`;
}

/** Labels that let the adapter list an environment's history with one selector, and find the good releases. */
export function releaseLabels(release: Pick<Release, 'environment' | 'revision' | 'outcome'>): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'gantry',
    'gantry.dev/environment': release.environment,
    'gantry.dev/revision': String(release.revision),
    'gantry.dev/outcome': release.outcome,
  };
}

type InventoryRow = [group: string, version: string, kind: string, namespace: string, name: string];

/**
 * A release as a flat map of strings, what a Secret's or ConfigMap's `data` holds. Lists and maps are JSON; the
 * inventory is compact rows (`[group, version, kind, namespace, name]`) since it may list thousands of objects.
 */
export function encodeRelease(release: Release): Record<string, string> {
  const inventory: InventoryRow[] = release.inventory.map((ref) => [ref.group, ref.version, ref.kind, ref.namespace ?? '', ref.name]);
  const optional = (key: string, value: string | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    format: RELEASE_FORMAT,
    environment: release.environment,
    revision: String(release.revision),
    kind: release.kind,
    sha: release.sha,
    manifestDigest: release.manifestDigest,
    outcome: release.outcome,
    ...optional('reason', release.reason),
    ...optional('message', release.message),
    ...optional('rolledBackTo', release.rolledBackTo && JSON.stringify(release.rolledBackTo)),
    ...optional('deliveryId', release.deliveryId),
    startedAt: release.startedAt,
    ...optional('finishedAt', release.finishedAt),
    timings: JSON.stringify(release.timings),
    inventory: JSON.stringify(inventory),
  };
}

const json = <S extends z.ZodType>(schema: S) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

const inventoryRow = z.tuple([z.string(), z.string().min(1), z.string().min(1), z.string(), z.string().min(1)]);

const releaseRecord = z.looseObject({
  format: z.literal(RELEASE_FORMAT),
  environment: z.string().min(1),
  revision: z.string().regex(/^[1-9][0-9]*$/).transform(Number),
  kind: z.enum(['deploy', 'rollback']),
  sha: z.string().min(1),
  manifestDigest: z.string().startsWith('sha256:'),
  outcome: z.enum(RELEASE_OUTCOMES),
  reason: z.string().refine(isReason, { error: 'is not a known reason' }).optional(),
  message: z.string().optional(),
  rolledBackTo: json(z.strictObject({ revision: z.number().int().positive(), sha: z.string().min(1) })).optional(),
  deliveryId: z.string().optional(),
  startedAt: z.string().min(1),
  finishedAt: z.string().min(1).optional(),
  timings: json(z.partialRecord(z.enum(DEPLOY_STAGES), z.number().min(0))),
  inventory: json(z.array(inventoryRow)),
});

/**
 * Reads a release back from its flat map.
 *
 * @param name the stored object's name, for the error message
 * @throws DeployError (ReleaseRecordInvalid) naming the object and the fields that cannot be read
 */
export function decodeRelease(data: Readonly<Record<string, string>>, name: string): Release {
  const parsed = releaseRecord.safeParse(data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'} ${issue.message}`).join('; ');
    throw new DeployError(Reason.ReleaseRecordInvalid, `release record ${name} cannot be read: ${fields}`);
  }
  const record = parsed.data;
  const inventory = record.inventory.map(([group, version, kind, namespace, objectName]): ObjectRef => (namespace === '' ? { group, version, kind, name: objectName } : { group, version, kind, namespace, name: objectName }));
  const release: Release = {
    environment: record.environment,
    revision: record.revision,
    kind: record.kind,
    sha: record.sha,
    manifestDigest: record.manifestDigest,
    inventory,
    outcome: record.outcome,
    startedAt: record.startedAt,
    timings: record.timings,
    ...(record.reason !== undefined && { reason: record.reason }),
    ...(record.message !== undefined && { message: record.message }),
    ...(record.rolledBackTo !== undefined && { rolledBackTo: record.rolledBackTo }),
    ...(record.deliveryId !== undefined && { deliveryId: record.deliveryId }),
    ...(record.finishedAt !== undefined && { finishedAt: record.finishedAt }),
  };
  return release;
}
