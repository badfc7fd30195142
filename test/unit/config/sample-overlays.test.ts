// The sample manifests checked with the real kustomize CLI (the reference the kustomize-ts renderer must match):
// every overlay builds, stays small, deploys only into its namespace, and every reference a Deployment makes
// points at an object the overlay renders. Whether the app bases agree with their app.yaml is `gantry check`'s job
// (core/config/check-app-base.ts; test/unit/cli/check.test.ts runs it on the samples).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binaryDirs } from '../../platform/paths.js';
import { readVersions } from '../../platform/versions.js';
import { loadSampleEnvironments, REPO_ROOT } from './load-samples.js';

// Rendered objects are walked field by field below; a full Kubernetes type would add nothing to these checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
type Manifest = {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Loose;
  [key: string]: Loose;
};

const kustomize = process.env['KUSTOMIZE_BIN'] ?? join(binaryDirs(readVersions()).kustomize, 'kustomize');

function build(dir: string): Manifest[] {
  if (!existsSync(kustomize))
    throw new Error(`${kustomize} is missing; build it with scripts/setup.sh (or set KUSTOMIZE_BIN)`);
  const output = execFileSync(kustomize, ['build', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  return parseAllDocuments(output).map((doc) => doc.toJS() as Manifest);
}

const CLUSTER_SCOPED = new Set(['Namespace', 'StorageClass']);

describe('the sample environments, built by the real kustomize CLI', () => {
  const environments = loadSampleEnvironments();
  const rendered = new Map(environments.map((env) => [env.config.name, build(`environments/${env.config.name}`)]));

  describe.each(environments.map((env) => [env.config.name, env.config] as const))('%s', (name, env) => {
    const objects = rendered.get(name)!;
    const find = (kind: string, objectName: string) =>
      objects.find((o) => o.kind === kind && o.metadata.name === objectName);

    it('renders between 10 and 25 objects', () => {
      expect(objects.length).toBeGreaterThanOrEqual(10);
      expect(objects.length).toBeLessThanOrEqual(25);
    });

    it("puts every namespaced object into env.yaml's namespace, and renders that Namespace", () => {
      expect(find('Namespace', env.namespace)).toBeDefined();
      for (const object of objects.filter((o) => !CLUSTER_SCOPED.has(o.kind)))
        expect(`${object.kind}/${object.metadata.namespace}`).toBe(`${object.kind}/${env.namespace}`);
    });

    it('resolves every ConfigMap, Secret, ServiceAccount and volume claim a Deployment refers to, generated ones by their hashed names', () => {
      const deployments = objects.filter((o) => o.kind === 'Deployment');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['catalog', 'orders', 'storefront']);
      for (const deployment of deployments) {
        const pod = deployment.spec.template.spec;
        expect(find('ServiceAccount', pod.serviceAccountName)).toBeDefined();
        for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
          for (const source of container.envFrom ?? [])
            expect(find('ConfigMap', source.configMapRef.name)).toBeDefined();
          for (const variable of container.env ?? []) {
            const ref = variable.valueFrom?.secretKeyRef;
            if (ref) expect(find('Secret', ref.name)?.data?.[ref.key]).toBeDefined();
          }
        }
        for (const volume of pod.volumes ?? []) {
          const claim =
            volume.persistentVolumeClaim && find('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName);
          if (volume.persistentVolumeClaim)
            expect(find('StorageClass', claim?.spec.storageClassName)?.provisioner).toBe('ebs.csi.aws.com');
        }
      }
      const generated = objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret');
      for (const object of generated) expect(object.metadata.name).toMatch(/-[a-z0-9]{10}$/);
    });

    it('points every autoscaler at a rendered Deployment', () => {
      for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler'))
        expect(find('Deployment', hpa.spec.scaleTargetRef.name)).toBeDefined();
    });

    it('pins every app image to the registry', () => {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        const app = deployment.spec.template.spec.containers.find(
          (c: { name: string }) => c.name === deployment.metadata.name,
        );
        expect(app.image).toMatch(
          /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shop\/[a-z]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/,
        );
      }
    });
  });

  it('renders the cluster-scoped objects identically in every environment, since environments may share a cluster', () => {
    const clusterScoped = [...rendered.values()].map((objects) =>
      JSON.stringify(objects.filter((o) => o.kind === 'StorageClass')),
    );
    expect(new Set(clusterScoped).size).toBe(1);
    expect(clusterScoped[0]).toContain('"name":"gp3"');
  });

  it('adds disruption budgets and node anti-affinity in staging and production only (the shared component)', () => {
    const budgets = (name: string) =>
      rendered
        .get(name)!
        .filter((o) => o.kind === 'PodDisruptionBudget')
        .map((o) => o.metadata.name);
    expect(budgets('dev')).toEqual([]);
    expect(budgets('staging')).toEqual(['catalog', 'storefront']);
    expect(budgets('production')).toEqual(['catalog', 'storefront']);
  });
});
