// Issue 7, Proof: a multi-service third-party base, not only the sample apps, through the whole pipeline. The
// repository is test/fixtures/boutique (Online Boutique's shape: seven Deployments, seven images, a LoadBalancer
// Service, an autoscaler, two kustomize components) with its dev overlay moved to a namespace of this test's own;
// a signed push goes to the webhook service, a worker deploys it to the local platform's cluster, and the GitHub
// emulator holds what the worker reported. A second push changes one component and must change one Deployment.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runHistory } from '../../cli/history.js';
import { runStatus } from '../../cli/status.js';
import type { CommandIo } from '../../cli/command-io.js';
import type { KubeObject } from '../../core/kube/object.js';
import { ENV, liveByName, openWorkerKit, type WorkerKit } from '../integration/worker/worker-test-kit.js';
import { need, uniqueName } from '../platform/connect.js';
import { createGitFixture, type GitFixture } from '../platform/git-fixtures.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import { loadBalancerHostname } from '../platform/load-balancers/assign-address.js';
import { REPO_ROOT } from '../platform/paths.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  startPipeline,
  statusStates,
  type CheckRun,
  type Pipeline,
} from './pipeline-kit.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/boutique');
/** The namespace the fixture's dev overlay names; each run replaces it with its own. */
const FIXTURE_NAMESPACE = 'boutique-dev';
const HIGH_AVAILABILITY = 'apps/boutique/components/high-availability/kustomization.yaml';

const DEPLOYMENTS = [
  'cartservice',
  'checkoutservice',
  'currencyservice',
  'frontend',
  'loadgenerator',
  'productcatalogservice',
  'redis-cart',
];

/** Every file of the fixture repository, its dev overlay moved into `namespace`. */
async function boutiqueFiles(namespace: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(FIXTURE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name).slice(FIXTURE.length + 1);
    const text = await readFile(join(FIXTURE, path), 'utf8');
    files[path] = path.startsWith('environments/') ? text.replaceAll(FIXTURE_NAMESPACE, namespace) : text;
  }
  return files;
}

interface DeploymentView {
  readonly generation: number;
  readonly replicas: number;
  readonly available: boolean;
  readonly availableReplicas: number;
  readonly images: string[];
  readonly env: Record<string, string>;
}

/** What a user checks of each Deployment: its spec generation, replicas, Available condition, images and env. */
function viewOf(deployment: KubeObject): DeploymentView {
  const spec = deployment['spec'] as {
    replicas: number;
    template: { spec: { containers: { image: string; env?: { name: string; value?: string }[] }[] } };
  };
  const status = deployment['status'] as {
    availableReplicas?: number;
    conditions?: { type: string; status: string }[];
  };
  const containers = spec.template.spec.containers;
  return {
    generation: Number(deployment.metadata['generation']),
    replicas: spec.replicas,
    available: (status.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True'),
    availableReplicas: status.availableReplicas ?? 0,
    images: containers.map((c) => c.image),
    env: Object.fromEntries(containers.flatMap((c) => c.env ?? []).map((e) => [e.name, e.value ?? ''])),
  };
}

async function deployments(kit: WorkerKit, namespace: string): Promise<Map<string, DeploymentView>> {
  const live = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
  return new Map([...live].map(([name, obj]) => [name, viewOf(obj)]));
}

/** Runs a `gantry` command in-process in the repository's working clone, against the platform's cluster. */
async function gantry(
  command: (args: readonly string[], io: CommandIo) => number | Promise<number>,
  git: GitFixture,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { cwd: git.workDir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await command([...args, '--kubeconfig', need('kubernetes').kubeconfig], io);
  return { code, stdout, stderr };
}

/** The rows (as cells) of a `gantry status` or `gantry history` table that `keep` selects. */
const rows = (stdout: string, keep: (cells: string[]) => boolean) =>
  stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(keep);

describe('Online Boutique (a multi-service third-party base) through the webhook, a worker and the cluster', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let git: GitFixture;
  let namespace: string;
  const name = uniqueName('boutique');
  let first: string;

  /** Delivers a push of `after`, waits for the final `deploy/dev` status and its completed check run. */
  async function pushAndSettle(before: string, after: string): Promise<{ states: string[]; run: CheckRun }> {
    const delivery = await deliverPush(pipeline, { git }, name, before, after);
    expect(delivery.status).toBe(202);
    const states = await eventually(
      () => statusStates(pipeline.github, name, after, `deploy/${ENV}`),
      (s) => s.some((state) => state !== 'pending'),
      150_000,
    );
    const runs = await completedCheckRuns(pipeline.github, name, after, [`deploy/${ENV}`]);
    return { states, run: runs.find((r) => r.name === `deploy/${ENV}`)! };
  }

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    namespace = uniqueName('e2e-boutique');
    git = await createGitFixture();
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(namespace ? [namespace] : []);
    await git?.cleanup();
  });

  it('deploys every service with its components: each Deployment Available, the load balancer addressed, success reported, the release recorded', async () => {
    first = await git.commitAndPush('online boutique in dev', await boutiqueFiles(namespace));

    const { states, run } = await pushAndSettle(ZERO_SHA, first);

    expect(states).toEqual(['pending', 'success']);
    expect([run.status, run.conclusion]).toEqual(['completed', 'success']);
    const live = await deployments(kit, namespace);
    expect([...live.keys()].sort()).toEqual(DEPLOYMENTS);
    for (const [deployment, view] of live) {
      expect({ deployment, available: view.available }).toEqual({ deployment, available: true });
      expect({ deployment, availableReplicas: view.availableReplicas }).toEqual({
        deployment,
        availableReplicas: view.replicas,
      });
    }
    // Both components took effect: the frontend's branding, two replicas of each gRPC service on the checkout path.
    expect(live.get('frontend')?.env).toMatchObject({ CYMBAL_BRANDING: 'true' });
    for (const service of ['productcatalogservice', 'cartservice', 'checkoutservice', 'currencyservice'])
      expect([service, live.get(service)?.replicas]).toEqual([service, 2]);
    // Seven images, one of them rewritten by the overlay, the public redis image as the base names it.
    const images = [...live.values()].flatMap((view) => view.images).sort();
    expect(new Set(images).size).toBe(7);
    expect(images).toContain('127.0.0.1:5000/boutique/frontend:dev');
    expect(images).toContain('redis:alpine');

    const services = await liveByName(kit.cluster, namespace, 'v1', 'Service');
    const external = services.get('frontend-external') as KubeObject & {
      spec: { type: string };
      status: { loadBalancer?: { ingress?: { hostname?: string }[] } };
    };
    expect(external.spec.type).toBe('LoadBalancer');
    expect(external.status.loadBalancer?.ingress).toEqual([
      { hostname: loadBalancerHostname(namespace, 'frontend-external') },
    ]);

    const history = await kit.releases(namespace).list();
    expect(history.map((release) => [release.commit, release.outcome])).toEqual([[first, 'succeeded']]);
    const status = await gantry(runStatus, git, ['--env', ENV]);
    expect(status.code).toBe(0);
    // Seven Deployments, seven Services (the LoadBalancer among them), the autoscaler and the Namespace.
    expect(rows(status.stdout, (cells) => cells[0] === ENV)).toEqual([
      [ENV, namespace, '1', first.slice(0, 12), 'succeeded', 'Healthy', '(16/16)'],
    ]);
  }, 180_000);

  it('applies a second push that scales one service through a component to that Deployment only', async () => {
    const before = await deployments(kit, namespace);
    const services = await liveByName(kit.cluster, namespace, 'v1', 'Service');
    const servicesBefore = [...services].map(([n, s]) => `${n}@${String(s.metadata['resourceVersion'])}`);
    const component = (await boutiqueFiles(namespace))[HIGH_AVAILABILITY]!;
    const scaled = component.replace(/(name: cartservice\n\s+count:) 2/, '$1 3');
    expect(scaled).not.toBe(component);
    const second = await git.commitAndPush('high availability: three cart services', { [HIGH_AVAILABILITY]: scaled });

    const { states, run } = await pushAndSettle(first, second);

    expect(states).toEqual(['pending', 'success']);
    expect(run.conclusion).toBe('success');
    // What GitHub shows: one object configured, one field, the other fifteen unchanged.
    expect(run.output.summary).toContain('| 0 | 1 | 15 | 0 | 0 |');
    expect(run.output.summary).toContain(
      `| configured | \`Deployment/${namespace}/cartservice\` | \`spec.replicas\` |`,
    );
    const after = await deployments(kit, namespace);
    expect(after.get('cartservice')).toMatchObject({
      generation: before.get('cartservice')!.generation + 1,
      replicas: 3,
      availableReplicas: 3,
      available: true,
    });
    // Everything else exactly as the first deploy left it: no other Deployment's spec moved, no Service rewritten.
    for (const deployment of DEPLOYMENTS.filter((d) => d !== 'cartservice'))
      expect([deployment, after.get(deployment)]).toEqual([deployment, before.get(deployment)]);
    const servicesAfter = [...(await liveByName(kit.cluster, namespace, 'v1', 'Service'))].map(
      ([n, s]) => `${n}@${String(s.metadata['resourceVersion'])}`,
    );
    expect(servicesAfter).toEqual(servicesBefore);

    const history = await gantry(runHistory, git, ['--env', ENV]);
    expect(history.code).toBe(0);
    expect(rows(history.stdout, (cells) => /^\d+$/.test(cells[0] ?? '')).map((cells) => cells.slice(0, 3))).toEqual([
      ['2', second.slice(0, 12), 'succeeded'],
      ['1', first.slice(0, 12), 'succeeded'],
    ]);
  }, 180_000);
});
