import { runApply } from '../../../cli/apply.js';
import { runDiff } from '../../../cli/diff.js';
import {
  createTestRepo,
  liveByName,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../worker/worker-test-kit.js';
import { runIn } from './cli-test-kit.js';

/** `action kind name` of each table row (field-change lines left out), generated-name hashes masked. */
function rows(stdout: string): string[] {
  return stdout
    .split('\n')
    .slice(1)
    .filter((line) => line !== '' && !line.startsWith(' ') && !line.startsWith('environment '))
    .map((line) => line.split(/\s+/))
    .map(([action, kind, , name]) => `${action} ${kind}/${(name ?? '').replace(/-[a-z0-9]{10}$/, '-<hash>')}`)
    .sort();
}

describe('gantry diff and apply: the local repository against the real apiserver', () => {
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('cli-apply');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('diff of a new environment lists every object as created, exits 2 and applies nothing', async () => {
    await repo.commit('catalog in dev');

    const run = await runIn(repo, runDiff, ['--env', 'dev']);

    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(2);
    expect(rows(run.stdout)).toEqual([
      'created ConfigMap/catalog-config-<hash>',
      'created ConfigMap/shop-environment-<hash>',
      'created Deployment/catalog',
      'created Namespace/' + repo.namespace,
      'created Service/catalog',
      'created ServiceAccount/catalog',
    ]);
    expect(await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).toEqual(new Map());
  });

  it('apply deploys HEAD: exit 0, release 1 succeeded, the Deployment Available, progress on stderr', async () => {
    const run = await runIn(repo, runApply, ['--env', 'dev']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/environment dev: succeeded \(revision 1\)/);
    expect(run.stderr).toContain('apply dev: rollout done');
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    expect(deployment?.['status']).toMatchObject({ availableReplicas: 2 });
    expect((await kit.releases(repo.namespace).list()).map((r) => [r.revision, r.outcome])).toEqual([[1, 'succeeded']]);
  });

  it('diff after the apply finds nothing to change and exits 0', async () => {
    const run = await runIn(repo, runDiff, ['--env', 'dev']);

    expect(run.code).toBe(0);
    expect(rows(run.stdout).every((row) => row.startsWith('unchanged '))).toBe(true);
  });

  it('diff without --ref shows an uncommitted edit; with --ref HEAD it shows the commit, unchanged', async () => {
    await repo.git.writeFiles(overlayFiles(repo.namespace, { environment: 'dev-edited' }));

    const onDisk = await runIn(repo, runDiff, ['--env', 'dev']);
    const atHead = await runIn(repo, runDiff, ['--env', 'dev', '--ref', 'HEAD']);

    expect(onDisk.code).toBe(2);
    expect(rows(onDisk.stdout)).toEqual(
      expect.arrayContaining(['configured Deployment/catalog', 'created ConfigMap/shop-environment-<hash>']),
    );
    expect(onDisk.stdout).toMatch(/shop-environment-/);
    // The renamed generated ConfigMap is paired with the one it replaces, and shows the literal that changed.
    expect(onDisk.stdout).toMatch(
      / {4}replaces shop-environment-[a-z0-9]{10}:\n {4}~ data\.ENVIRONMENT: "dev" -> "dev-edited"/,
    );
    expect(atHead.code).toBe(0);
    await repo.git.writeFiles(overlayFiles(repo.namespace));
  });

  it('apply of a commit the apiserver rejects exits 1 naming the environment and the Deployment, nothing recorded', async () => {
    await repo.commit('replicas as a word', { invalidReplicas: true });

    const run = await runIn(repo, runApply, ['--env', 'dev']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Error: environment dev: Deployment\/.*catalog/);
    expect((await kit.releases(repo.namespace).list()).map((r) => r.revision)).toEqual([1]);
  });

  it('diff of an unknown commit fails naming it', async () => {
    const run = await runIn(repo, runDiff, ['--env', 'dev', '--ref', 'no-such-branch']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--ref no-such-branch: no branch, remote-tracking branch, tag or commit of that name');
  });
});
