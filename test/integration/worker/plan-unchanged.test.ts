import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { GitMirror } from '../../../adapters/git/index.js';
import { KubeCluster, KubeReleaseStore } from '../../../adapters/kube/index.js';
import type { GitHubDelivery } from '../../../core/deploy/map-github-event.js';
import type { Release } from '../../../core/release/release.js';
import { planDelivery } from '../../../worker/stages/plan.js';
import { deployedCommitFrom } from '../../../worker/stages/unchanged-environments.js';
import { kubeConfig, need, uniqueName } from '../../platform/connect.js';
import { createGitFixture, type FixtureFiles, type GitFixture } from '../../platform/git-fixtures.js';

const ENVS = ['dev', 'staging'] as const;
type Env = (typeof ENVS)[number];

describe('planDelivery: a push does not deploy the environments it cannot change', () => {
  let cluster: KubeCluster;
  let origin: GitFixture;
  let cacheDir: string;
  let mirror: GitMirror;
  const namespaces = {} as Record<Env, string>;
  const stores = {} as Record<Env, KubeReleaseStore>;

  /** An overlay rendering one ConfigMap from its own file, and a shared base under apps/. */
  const overlay = (env: Env, value: string): FixtureFiles => ({
    [`environments/${env}/env.yaml`]: `name: ${env}\nbranch: main\ncluster:\n  name: local\nnamespace: ${namespaces[env]}\n`,
    [`environments/${env}/kustomization.yaml`]: `namespace: ${namespaces[env]}\nresources:\n  - settings.yaml\n  - ../../apps/shared\n`,
    [`environments/${env}/settings.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "${value}"\n`,
  });

  beforeAll(async () => {
    need('kubernetes');
    cluster = new KubeCluster(kubeConfig());
    for (const env of ENVS) {
      namespaces[env] = uniqueName(`plan-unchanged-${env}`);
      await cluster.ensureNamespace(namespaces[env], {}, { fieldManager: 'gantry-test' });
      stores[env] = new KubeReleaseStore(cluster, { environment: env, namespace: namespaces[env] });
    }
    origin = await createGitFixture({
      initialFiles: {
        ...overlay('dev', 'one'),
        ...overlay('staging', 'one'),
        'apps/shared/kustomization.yaml': 'resources:\n  - service.yaml\n',
        'apps/shared/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shared\nspec:\n  ports:\n    - port: 80\n',
      },
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-plan-unchanged-'));
    mirror = new GitMirror({ cacheDir });
  });
  afterAll(async () => {
    for (const env of ENVS)
      await cluster.delete({ group: '', version: 'v1', kind: 'Namespace', name: namespaces[env] }).catch(() => undefined);
    cluster.close();
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  /** Records that `env` runs `sha`, as a deploy that ended `outcome` does. */
  async function runs(env: Env, sha: string, outcome: Release['outcome'] = 'succeeded'): Promise<void> {
    const draft = {
      deployId: `${randomUUID()}/${env}`,
      commit: sha,
      manifestDigest: `sha256:${'0'.repeat(64)}`,
      inventory: [],
      outcome: 'deploying' as const,
      startedAt: new Date().toISOString(),
    };
    const { revision } = await stores[env].record(draft, []);
    if (outcome !== 'deploying') await stores[env].update(revision, { outcome, finishedAt: new Date().toISOString() });
  }

  async function planned(before: string, after: string): Promise<{ environments: string[]; lines: string[] }> {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) });
    const delivery: GitHubDelivery = {
      event: 'push',
      deliveryId: randomUUID(),
      receivedAt: new Date().toISOString(),
      payload: { ref: 'refs/heads/main', before, after, repository: { full_name: 'acme/shop', clone_url: origin.cloneUrl } },
    };
    const result = await planDelivery(
      delivery,
      { git: mirror, deployed: deployedCommitFrom((env) => stores[env.name as Env]) },
      { signal: new AbortController().signal, log: pino({ level: 'info' }, sink) },
    );
    const lines = chunks.join('').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { msg: string }).msg);
    return { environments: result.kind === 'deploy' ? result.requests.map((r) => r.environment) : [], lines };
  }

  it('deploys only the environment whose files changed since the commit it runs, and says why the other is left', async () => {
    const first = await origin.headSha();
    await runs('dev', first);
    await runs('staging', first);
    const second = await origin.commitAndPush('staging: new settings', overlay('staging', 'two'));

    const { environments, lines } = await planned(first, second);

    expect(environments).toEqual(['staging']);
    expect(lines).toContain(
      `dev is not deployed: it runs ${first.slice(0, 7)}, and this commit changes nothing its render reads`,
    );
  });

  it('compares with the commit an environment runs, not the push’s before: changes it has not received yet deploy it', async () => {
    // staging still runs the first commit (its deploy of the second never happened); dev runs the second.
    const first = (await stores.staging.list())[0]!.commit;
    const second = await origin.headSha();
    await runs('dev', second);
    const third = await origin.commitAndPush('dev: new settings', overlay('dev', 'three'));

    expect((await planned(second, third)).environments).toEqual(['dev', 'staging']);
    expect(first).not.toBe(second);
  });

  it('deploys every environment when a path outside environments/ changed (an app, a shared base)', async () => {
    const before = await origin.headSha();
    await runs('dev', before);
    await runs('staging', before);
    const after = await origin.commitAndPush('shared: a port', {
      'apps/shared/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shared\nspec:\n  ports:\n    - port: 8080\n',
    });

    expect((await planned(before, after)).environments).toEqual(['dev', 'staging']);
  });

  it('deploys an environment whose newest release did not succeed, even when nothing it reads changed', async () => {
    const before = await origin.headSha();
    await runs('dev', before, 'failed');
    await runs('staging', before);
    const after = await origin.commitAndPush('staging: more settings', overlay('staging', 'four'));

    expect((await planned(before, after)).environments).toEqual(['dev', 'staging']);
  });

  it('knows no running commit, so the environment is deployed, when its release history cannot be read (a cluster that does not answer)', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'down', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'down', cluster: 'down', user: 'nobody' }],
      currentContext: 'down',
    });
    const down = new KubeCluster(kc, { retry: { attempts: 2, initialDelayMs: 10 } });
    try {
      const deployed = deployedCommitFrom((env) => new KubeReleaseStore(down, { environment: env.name, namespace: env.namespace }));
      const envConfig = { name: 'dev', namespace: namespaces.dev } as Parameters<typeof deployed>[0];

      expect(await deployed(envConfig, new AbortController().signal)).toBeUndefined();
    } finally {
      down.close();
    }
  });

  it('does not deploy an environment that already runs the pushed commit', async () => {
    const sha = await origin.headSha();
    await runs('dev', sha);
    await runs('staging', sha);

    const { environments } = await planned(sha, sha);

    expect(environments).toEqual([]);
  });
});
