import { KustomizeFailure } from '../../errors.js';
import type { FileLoader } from '../../load/file-loader.js';
import type { GeneratorOptionsSpec } from '../../load/kustomization-schema.js';
import { BuildAnnotation, Resource } from '../../resource/resource.js';
import type { JsonObject } from '../../yaml/json-value.js';
import { loadKvPairs, type KvPair, type KvSources } from './kv-sources.js';

/** One configMapGenerator / secretGenerator entry. */
export interface GeneratorArgs extends KvSources {
  readonly name?: string | null;
  readonly namespace?: string | null;
  readonly behavior?: string | null;
  readonly env?: string | null;
  readonly type?: string | null;
  readonly options?: GeneratorOptionsSpec | null;
}

/** Which kind a generator makes. */
export type GeneratedKind = 'ConfigMap' | 'Secret';

/**
 * The local options merged with the kustomization's generatorOptions: local labels and annotations win, and a
 * global `disableNameSuffixHash` or `immutable` switches the local one on.
 */
export function mergeGeneratorOptions(
  local: GeneratorOptionsSpec | null | undefined,
  global: GeneratorOptionsSpec | null | undefined,
): GeneratorOptionsSpec | undefined {
  if (global === null || global === undefined) return local ?? undefined;
  const merged = { ...(local ?? {}) };
  if (global.labels) merged.labels = { ...global.labels, ...(merged.labels ?? {}) };
  if (global.annotations) merged.annotations = { ...global.annotations, ...(merged.annotations ?? {}) };
  if (global.disableNameSuffixHash) merged.disableNameSuffixHash = true;
  if (global.immutable) merged.immutable = true;
  return merged;
}

/** Builds the ConfigMap or Secret a generator entry describes, with kustomize's build annotations set. */
export function generate(kind: GeneratedKind, args: GeneratorArgs, loader: FileLoader): Resource {
  if (!args.name) throw new KustomizeFailure('generator-failed', 'a configmap must have a name');
  const metadata: JsonObject = { name: args.name };
  if (args.namespace) metadata['namespace'] = args.namespace;
  const obj: JsonObject = { apiVersion: 'v1', kind, metadata };
  if (kind === 'Secret') obj['type'] = args.type || 'Opaque';

  const envs = [...(args.envs ?? []), ...(args.env ? [args.env] : [])];
  const pairs = loadKvPairs(loader, { literals: args.literals, files: args.files, envs });
  const data = uniqueKeys(pairs, args.name);
  if (kind === 'Secret') {
    // Always present on a Secret, `data: {}` when empty, as kustomize writes it (a ConfigMap gets none when empty).
    obj['data'] = Object.fromEntries([...data].map(([k, v]) => [k, base64Lines(bytesOf(v))]));
  } else {
    for (const [key, value] of data) {
      const text = typeof value === 'string' ? value : decodeUtf8(value);
      const field = text === undefined ? 'binaryData' : 'data';
      const target = (obj[field] ??= {}) as JsonObject;
      target[key] = text ?? base64Lines(bytesOf(value));
    }
  }

  const resource = new Resource(obj);
  const options = args.options ?? undefined;
  if (options?.labels) {
    const labels = resource.getLabels();
    for (const k of Object.keys(options.labels).sort()) labels[k] = options.labels[k] ?? '';
    resource.setLabels(labels);
  }
  if (options?.annotations) {
    const annotations = resource.getAnnotations();
    for (const k of Object.keys(options.annotations).sort()) annotations[k] = options.annotations[k] ?? '';
    resource.setAnnotations(annotations);
  }
  if (options?.immutable) obj['immutable'] = true;
  if (!options?.disableNameSuffixHash) resource.setAnnotation(BuildAnnotation.needsHashSuffix, 'enabled');
  const behavior = args.behavior ?? '';
  resource.setAnnotation(
    BuildAnnotation.generatorBehavior,
    behavior === 'create' || behavior === 'merge' || behavior === 'replace' ? behavior : 'unspecified',
  );
  return resource;
}

function uniqueKeys(pairs: readonly KvPair[], name: string): Map<string, string | Uint8Array> {
  const result = new Map<string, string | Uint8Array>();
  for (const pair of pairs) {
    if (result.has(pair.key)) {
      throw new KustomizeFailure('generator-failed', `configmap ${name} illegally repeats the key \`${pair.key}\``);
    }
    result.set(pair.key, pair.value);
  }
  return result;
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Base64 as kustomize writes it: in 70-character lines, each ending in a newline, once it needs more than one. */
export function base64Lines(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString('base64');
  const lines = Math.floor(encoded.length / 70) + 1;
  if (lines <= 1) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i += 70) out += `${encoded.slice(i, i + 70)}\n`;
  return out;
}
