import { KustomizeError, KustomizeFailure } from '../errors.js';
import { YamlError, parseYamlDocuments } from '../yaml/parse-yaml.js';
import { isJsonObject, type JsonObject } from '../yaml/json-value.js';
import { PatchError, ReplacementError } from '../patch/index.js';
import { describePath } from '../fs/file-system.js';
import { isRemote, remoteRefusal, type FileLoader } from './file-loader.js';
import { KustomizationSchema, type KustomizationFile } from './kustomization-schema.js';

/** The file names kustomize recognizes, in its order. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A kustomization read from disk, with kustomize's legacy fields folded in (bases → resources, imageTags → images). */
export interface Kustomization {
  /** Root-relative path of the kustomization file. */
  readonly file: string;
  readonly kind: 'Kustomization' | 'Component';
  readonly spec: KustomizationFile;
  readonly resources: readonly string[];
  readonly images: NonNullable<KustomizationFile['images']>;
}

/** Finds, parses and validates the kustomization file in a loader's directory. */
export function readKustomization(loader: FileLoader): Kustomization {
  const present = KUSTOMIZATION_FILE_NAMES.filter((name) => loader.kindOf(name) === 'file');
  const dirLabel = describePath(loader.fs, loader.root);
  // Failures, not located errors: the kustomization that names this directory (under resources: or components:)
  // is where the fault is, so the caller's `at(field)` locates them; at the top level the directory itself is named.
  if (present.length === 0) {
    throw new KustomizeFailure(
      'missing-kustomization',
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dirLabel}'`,
    );
  }
  if (present.length > 1) {
    throw new KustomizeFailure('invalid-kustomization', `Found multiple kustomization files under: ${dirLabel}`);
  }
  const name = present[0] ?? 'kustomization.yaml';
  const file = loader.root === '' ? name : `${loader.root}/${name}`;
  const text = loader.loadText(name);
  return parseKustomization(text, file);
}

/** Parses kustomization text (YAML 1.1 scalars, as kustomize's decoder reads them) and validates its fields. */
export function parseKustomization(text: string, file: string): Kustomization {
  let docs;
  try {
    docs = parseYamlDocuments(text, { dialect: 'go-yaml-v2', lastDuplicateKeyWins: true });
  } catch (error) {
    if (error instanceof YamlError) {
      throw new KustomizeError('invalid-kustomization', { file }, `invalid Kustomization: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const doc = docs[0] ?? {};
  if (!isJsonObject(doc))
    throw new KustomizeError('invalid-kustomization', { file }, 'invalid Kustomization: not a mapping');
  const parsed = KustomizationSchema.safeParse(withGoFieldNames(doc));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const unknown = issue?.code === 'unrecognized_keys' ? issue.keys : [];
    // An unknown key is itself the field at fault (a typo such as `namePrefx`), so the location names it.
    const path = issue === undefined ? [] : [...issue.path, ...unknown.slice(0, 1)];
    const field = fieldName(path);
    const message = unknown.length > 0 ? `unknown field "${unknown.join('", "')}"` : (issue?.message ?? 'invalid');
    throw new KustomizeError(
      'invalid-kustomization',
      { file, field: field || undefined },
      `invalid Kustomization: ${message}`,
    );
  }
  const spec = parsed.data;
  if (Object.values(spec).every((v) => v === undefined || v === null) || onlyTypeMeta(spec)) {
    throw new KustomizeError('invalid-kustomization', { file }, 'kustomization.yaml is empty');
  }
  const kind = spec.kind ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new KustomizeError(
      'invalid-kustomization',
      { file, field: 'kind' },
      'kind should be Kustomization or Component',
    );
  }
  const requiredVersion = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (spec.apiVersion && spec.apiVersion !== requiredVersion) {
    throw new KustomizeError(
      'invalid-kustomization',
      { file, field: 'apiVersion' },
      `apiVersion for ${kind} should be ${requiredVersion}`,
    );
  }
  refuseUnsupportedOptions(spec, file);
  return {
    file,
    kind,
    spec,
    resources: [...(spec.resources ?? []), ...(spec.bases ?? [])],
    images: [...(spec.images ?? []), ...(spec.imageTags ?? [])],
  };
}

function onlyTypeMeta(spec: KustomizationFile): boolean {
  return Object.entries(spec).every(([k, v]) => k === 'apiVersion' || k === 'kind' || v === undefined || v === null);
}

/**
 * Fields kustomize supports that kustomize-ts refuses: loudly, never by silently skipping them. Each is refused at the
 * step of the build where kustomize acts on it (helm when the generators are configured, validators after the
 * transformers), so a kustomization that fails earlier for another cause, such as a resource outside its root, fails
 * for that cause, as with kustomize.
 */
const UNSUPPORTED: readonly (readonly [BuildStep, keyof KustomizationFile, string, string])[] = [
  [
    'generators',
    'helmCharts',
    'helm chart inflation',
    'render the chart with `helm template` and list its output under resources',
  ],
  [
    'generators',
    'helmChartInflationGenerator',
    'helm chart inflation',
    'render the chart with `helm template` and list its output under resources',
  ],
  [
    'generators',
    'helmGlobals',
    'helm chart inflation',
    'render the chart with `helm template` and list its output under resources',
  ],
  [
    'validators',
    'validators',
    'validator plugins (KRM functions, exec and Go plugins)',
    'run the validator in CI on the rendered output',
  ],
];

/** The steps of a build at which kustomize-ts refuses a field it does not support. */
export type BuildStep = 'generators' | 'validators';

/** Refuses the unsupported fields of `kustomization` that kustomize acts on at `step`. */
export function refuseUnsupported(kustomization: Kustomization, step: BuildStep): void {
  for (const [at, field, what, instead] of UNSUPPORTED) {
    const value = kustomization.spec[field];
    if (at !== step || value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw new KustomizeError(
      'not-supported',
      { file: kustomization.file, field },
      `${what}: not supported by kustomize-ts; ${instead}`,
    );
  }
}

/** What kustomize-ts refuses as soon as it reads a kustomization. */
function refuseUnsupportedOptions(spec: KustomizationFile, file: string): void {
  for (const option of spec.buildMetadata ?? []) {
    if (option !== 'managedByLabel' && option !== 'originAnnotations' && option !== 'transformerAnnotations') {
      throw new KustomizeError(
        'not-supported',
        { file, field: 'buildMetadata' },
        `buildMetadata '${option}' is not supported by kustomize-ts`,
      );
    }
  }
  for (const [i, resource] of (spec.resources ?? []).entries()) {
    if (isRemote(resource))
      throw new KustomizeError('not-supported', { file, field: `resources[${i}]` }, remoteRefusal(resource));
  }
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Re-raises a lower-level failure as a {@link KustomizeError} located at a kustomization field. */
export function locate(error: unknown, file: string, field: string | undefined): never {
  if (error instanceof KustomizeError) throw error;
  if (error instanceof KustomizeFailure)
    throw new KustomizeError(error.reason, { file, field }, error.message, { cause: error });
  if (error instanceof YamlError)
    throw new KustomizeError('invalid-yaml', { file, field }, error.message, { cause: error });
  if (error instanceof ReplacementError) {
    throw new KustomizeError('replacement-failed', { file, field }, error.message, { cause: error });
  }
  if (error instanceof PatchError)
    throw new KustomizeError('patch-failed', { file, field }, error.message, { cause: error });
  throw error;
}

/** The kustomization's field names, by their lower case. */
const FIELD_BY_LOWER_CASE = new Map(Object.keys(KustomizationSchema.shape).map((key) => [key.toLowerCase(), key]));

/**
 * The top-level keys as Go's encoding/json, which kustomize decodes kustomization files with, matches them to
 * fields: an exact match first, else one that differs only in case (`nameprefix` is `namePrefix`); when two keys
 * land on one field, the later one wins. Nested keys are matched exactly.
 */
function withGoFieldNames(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) {
    const field = key in KustomizationSchema.shape ? key : (FIELD_BY_LOWER_CASE.get(key.toLowerCase()) ?? key);
    out[field] = value;
  }
  return out;
}
