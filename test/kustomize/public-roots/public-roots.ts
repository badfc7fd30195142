// Public repositories' kustomize build roots, as Go modules ship them: fetched from the Go module proxy (`go mod
// download`, so Go's module cache holds them, keyed by version) and never copied into this repository. A build root
// is every kustomization in the module that is not a Component, outside test and testdata folders.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../platform/paths.js';

export interface PublicModule {
  readonly module: string;
  readonly version: string;
  /** What kind of project it is, for the per-repository report. */
  readonly kind: string;
}

export const PUBLIC_MODULES: readonly PublicModule[] = [
  { module: 'sigs.k8s.io/gateway-api', version: 'v1.3.0', kind: 'CRD install (Gateway API)' },
  { module: 'sigs.k8s.io/jobset', version: 'v0.8.1', kind: 'operator, kubebuilder scaffold' },
  { module: 'sigs.k8s.io/lws', version: 'v0.6.2', kind: 'operator, kubebuilder scaffold' },
  {
    module: 'sigs.k8s.io/kueue',
    version: 'v0.17.0',
    kind: 'multi-tenant batch queueing, kubebuilder scaffold with overlays',
  },
  {
    module: 'sigs.k8s.io/cluster-api',
    version: 'v1.14.2',
    kind: 'operators with configurations and vars; observability app overlays',
  },
  { module: 'github.com/argoproj/argo-rollouts', version: 'v1.8.3', kind: 'progressive delivery install and examples' },
  {
    module: 'github.com/fluxcd/flagger',
    version: 'v1.36.1',
    kind: 'progressive delivery per service mesh (Istio, Linkerd, App Mesh, ...)',
  },
  {
    module: 'github.com/kubeflow/training-operator',
    version: 'v1.8.1',
    kind: 'application overlays (standalone, kubeflow)',
  },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    kind: 'monitoring operator install',
  },
  { module: 'github.com/external-secrets/external-secrets', version: 'v1.3.2', kind: 'secrets operator' },
];

export const PUBLIC_ROOTS_MANIFEST = 'manifest.json';

export interface PublicRoot {
  readonly module: string;
  readonly version: string;
  /** The module's directory in Go's module cache, absolute. */
  readonly moduleDir: string;
  /** The build root, relative to the module. */
  readonly root: string;
  /** The file under the cache directory holding the CLI's stdout, or its stderr when it failed. */
  readonly expectation: string;
  readonly cliFailed: boolean;
}

export function publicRootsDir(kustomizeVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `public-roots-kustomize-${kustomizeVersion}`);
}

/** The roots with expectations for this CLI version, or undefined when they have not been made. */
export function readPublicRoots(kustomizeVersion: string): PublicRoot[] | undefined {
  const file = join(publicRootsDir(kustomizeVersion), PUBLIC_ROOTS_MANIFEST);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PublicRoot[]) : undefined;
}

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** Every build root under `dir` (relative paths, sorted): kustomizations that are not Components, no tests. */
export function findBuildRoots(dir: string, under = ''): string[] {
  const roots: string[] = [];
  const entries = readdirSync(join(dir, under), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const file = entries.find((e) => e.isFile() && KUSTOMIZATION_FILES.has(e.name));
  if (file && !/^kind:\s*Component\s*$/m.test(readFileSync(join(dir, under, file.name), 'utf8'))) {
    roots.push(under === '' ? '.' : under);
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || ['test', 'tests', 'testdata', 'vendor', '.git'].includes(entry.name)) continue;
    roots.push(...findBuildRoots(dir, under === '' ? entry.name : `${under}/${entry.name}`));
  }
  return roots;
}
