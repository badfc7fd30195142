import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiextensionsV1Api, KubeConfig, loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { cacheDir, REPO_ROOT } from '../paths.js';
import { waitFor } from '../supervise.js';
import type { PlatformVersions } from '../versions.js';

/** The API groups whose CRDs the platform installs, each with one kind the tests use to see it served. */
export const CRD_GROUPS = {
  'autoscaling.k8s.io': 'VerticalPodAutoscaler',
  'keda.sh': 'ScaledObject',
  'gateway.networking.k8s.io': 'HTTPRoute',
  'appmesh.k8s.aws': 'VirtualRouter',
} as const;

/**
 * Where each set of CRD files comes from: upstream's own YAML fetched into the cache by bin/fetch-crds.sh (VPA,
 * KEDA, Gateway API), and App Mesh's written in this repository (crds/, since its module is not on the proxy).
 */
export function crdSources(versions: PlatformVersions, env: NodeJS.ProcessEnv = process.env): string[] {
  const cached = join(cacheDir(env), 'crds');
  return [
    join(cached, `gateway-api-${versions.GATEWAY_API_VERSION}`),
    join(cached, `keda-${versions.KEDA_VERSION}`),
    join(cached, `vpa-${versions.VPA_VERSION}`),
    join(REPO_ROOT, 'test', 'platform', 'crds'),
  ];
}

/** Every CustomResourceDefinition in the YAML files of the given directories (a `kind: List` is opened). */
export function readCrds(dirs: readonly string[]): V1CustomResourceDefinition[] {
  const crds: V1CustomResourceDefinition[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
    } catch {
      throw new Error(`CRDs: ${dir} is missing; run scripts/setup.sh (or test/platform/bin/fetch-crds.sh) to fetch them`);
    }
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        if (doc.errors.length > 0) throw new Error(`CRDs: ${join(dir, file)}: ${doc.errors[0]!.message}`);
        const value = doc.toJS() as { kind?: string; items?: unknown[] } | null;
        const objects = value?.kind === 'List' ? (value.items ?? []) : [value];
        for (const o of objects as ({ kind?: string } | null)[]) {
          // Through the client's model (JSON is YAML), whose serializer keeps only the fields it knows by their
          // model names: a plain object would lose `x-kubernetes-int-or-string` and the like on the way out.
          if (o?.kind === 'CustomResourceDefinition') crds.push(loadYaml<V1CustomResourceDefinition>(JSON.stringify(o)));
        }
      }
    }
  }
  return crds;
}

/** Creates the CRDs (idempotent: an existing one is kept) and waits until the apiserver reports each Established. */
export async function installCrds(kubeconfig: string, crds: readonly V1CustomResourceDefinition[], timeoutMs = 30_000): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await Promise.all(crds.map(async (body) => {
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw new Error(`CRDs: creating ${body.metadata?.name} failed: ${String(err)}`);
    }
  }));
  const names = crds.map((c) => c.metadata!.name!);
  await waitFor('the CRDs to be Established', async () => {
    const list = await api.listCustomResourceDefinition();
    const established = new Set(list.items
      .filter((c) => c.status?.conditions?.some((k) => k.type === 'Established' && k.status === 'True'))
      .map((c) => c.metadata?.name));
    return names.every((n) => established.has(n));
  }, timeoutMs);
  return names;
}
