// Issue 7, item 1 for the CLI: a command reaches the cluster env.yaml names (its cluster.context), unless
// --context says otherwise, and a context the kubeconfig lacks is a clear error that touches no cluster.
import { runDiff } from '../../../cli/diff.js';
import { runHistory } from '../../../cli/history.js';
import { kubeConfig, need } from '../../platform/connect.js';
import {
  createTestRepo,
  ENV,
  overlayFiles,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../worker/worker-test-kit.js';
import { runIn } from './cli-test-kit.js';

const ABSENT = 'arn:aws:eks:us-east-1:123456789012:cluster/prod-eks';

describe('gantry commands follow env.yaml cluster.context', () => {
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('cli-ctx');
    const files = overlayFiles(repo.namespace);
    const envFile = `environments/${ENV}/env.yaml`;
    await repo.git.commitAndPush('dev on a cluster this kubeconfig does not know', {
      ...files,
      [envFile]: String(files[envFile]).replace(
        'cluster:\n  name: local\n',
        `cluster:\n  name: prod-eks\n  context: ${ABSENT}\n`,
      ),
    });
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('refuses a context the kubeconfig lacks, naming it and the kubeconfig, and creates nothing', async () => {
    const history = await runIn(repo, runHistory, ['--env', ENV]);
    const diff = await runIn(repo, runDiff, ['--env', ENV, '--ref', 'HEAD']);

    expect(history.code).toBe(1);
    expect(history.stderr).toContain(
      `Error: context "${ABSENT}" (cluster prod-eks) is not in the kubeconfig ${need('kubernetes').kubeconfig}`,
    );
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain(`context "${ABSENT}"`);
    const namespaces = await kit.cluster.list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(namespaces.map((ns) => ns.metadata.name)).not.toContain(repo.namespace);
  });

  it('--context overrides env.yaml', async () => {
    const context = kubeConfig().getCurrentContext();

    const history = await runIn(repo, runHistory, ['--env', ENV, '--context', context]);
    const wrong = await runIn(repo, runHistory, ['--env', ENV, '--context', 'nope']);

    expect(history.stderr).not.toContain('Error');
    expect(history.code).toBe(0);
    expect(history.stderr).toContain(`no releases in namespace ${repo.namespace}`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Error: context "nope" (cluster prod-eks) is not in the kubeconfig');
  });
});
