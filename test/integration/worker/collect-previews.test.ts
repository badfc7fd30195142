// The collector's decisions against the real apiserver and the GitHub emulator: a preview goes when its pull
// request is closed or its ttl has passed since its last deploy; an open one stays, and so does one GitHub answers
// 404 for (left to its ttl). It retires them through the one teardown (retirePreview): GitHub hears of it too.
import { randomBytes } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { parse } from 'yaml';
import { GitHubReporter } from '../../../adapters/github/index.js';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import { previewNamespaceObjects } from '../../../core/deploy/preview.js';
import { need, uniqueName } from '../../platform/connect.js';
import { GitHubEmulatorClient } from '../../platform/github-emulator/index.js';
import { collectPreviews } from '../../../worker/stages/collect-previews.js';
import { retirePreview } from '../../../worker/stages/teardown-preview.js';
import { openWorkerKit, ref, SILENT, type WorkerKit } from './worker-test-kit.js';

const HOUR = 3_600_000;

describe('collectPreviews', () => {
  let kit: WorkerKit;
  let reporter: GitHubReporter;
  let admin: GitHubEmulatorClient;
  let octokit: Octokit;
  const prefix = `${uniqueName('collect')}-pr-`;
  const owner = `acme-${randomBytes(3).toString('hex')}`;
  const sha = (n: number) => String(n).repeat(40);

  beforeAll(async () => {
    kit = await openWorkerKit();
    const github = need('github');
    reporter = new GitHubReporter({
      baseUrl: github.url,
      auth: { type: 'token', token: github.token },
      writeIntervalMs: 0,
    });
    admin = new GitHubEmulatorClient(github.url);
    octokit = new Octokit({ baseUrl: github.url, auth: github.token });
  });
  afterAll(async () => {
    await kit?.close([1, 2, 3, 4].map((n) => `${prefix}${n}`));
  });

  it('deletes previews whose pull request closed or whose ttl passed, and keeps the others', async () => {
    const env = parseEnvConfig(
      `name: dev\nbranch: main\ncluster: { name: local }\nnamespace: shop-dev\npreview:\n  enabled: true\n  namespacePrefix: ${prefix}\n  ttl: 1h\n`,
      'environments/dev/env.yaml',
      parse,
    );
    const now = Date.now();
    // #1 open but last deployed 2 h ago; #2 open and fresh; #3 closed; #4 unknown to GitHub.
    const previews = [
      [1, now - 2 * HOUR],
      [2, now],
      [3, now],
      [4, now],
    ] as const;
    for (const [number, deployedAt] of previews) {
      const [namespace] = previewNamespaceObjects(env, `${prefix}${number}`, {
        repository: `${owner}/shop`,
        pullRequest: number,
        headSha: sha(number),
        deployedAt,
      });
      if (namespace) await kit.cluster.apply([namespace], { fieldManager: 'gantry-preview' });
      if (number !== 4)
        await admin.seedPull({
          owner,
          repo: 'shop',
          number,
          head: { ref: `feature-${number}`, sha: sha(number) },
          base: { ref: 'main', sha: sha(9) },
          state: number === 3 ? 'closed' : 'open',
        });
    }

    // #3 had a live preview Deployment on GitHub, and the comment saying it was healthy.
    const repo = { owner, repo: 'shop' };
    const { id: deploymentId } = await reporter.ensureDeployment(repo, {
      sha: sha(3),
      environment: 'pr-3/dev',
      description: 'pull request to dev',
      production: false,
      transient: true,
    });
    await reporter.setDeploymentStatus(repo, { deploymentId, state: 'success', description: 'deployed' });
    await reporter.upsertPullRequestComment(repo, { pullNumber: 3, body: 'preview healthy' });

    let sequence = 100;
    const collected = await collectPreviews(
      {
        clusters: [kit.cluster],
        pullRequestState: (repo, pullNumber, signal) => reporter.pullRequestState(repo, pullNumber, { signal }),
        retire: async (found, cluster) => {
          await retirePreview({ ...found, sequence: ++sequence }, { cluster, reporter }, { signal: new AbortController().signal, log: SILENT });
        },
        now: Date.now,
      },
      { signal: new AbortController().signal, log: SILENT },
    );

    // Other tests' previews on the shared cluster may be collected too: only this test's are asserted. (Another
    // test's worker collecting one of these first would leave it out here; the states below hold either way.)
    const expected = [
      { namespace: `${prefix}1`, environment: 'dev', pullRequest: 1, repo, why: 'expired' },
      { namespace: `${prefix}3`, environment: 'dev', pullRequest: 3, repo, why: 'closed' },
    ];
    const mine = collected.filter((found) => found.namespace.startsWith(prefix));
    expect(expected).toEqual(expect.arrayContaining(mine));
    const state = async (number: number) => {
      const ns = await kit.cluster.get(ref('v1', 'Namespace', `${prefix}${number}`));
      return ns === undefined ? 'gone' : ns.metadata['deletionTimestamp'] !== undefined ? 'terminating' : 'active';
    };
    expect(['gone', 'terminating']).toContain(await state(1));
    expect(await state(2)).toBe('active');
    expect(['gone', 'terminating']).toContain(await state(3));
    expect(await state(4)).toBe('active');
    // GitHub shows #3's preview torn down: its Deployment inactive, the comment's preview part says so.
    const { data: statuses } = await octokit.repos.listDeploymentStatuses({ ...repo, deployment_id: deploymentId });
    expect(statuses[0]?.state).toBe('inactive');
    const { data: comments } = await octokit.issues.listComments({ ...repo, issue_number: 3 });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(`Preview \`pr-3/dev\`: **torn down**, namespace \`${prefix}3\` deleted`);
    expect(comments[0]?.body).toContain('The pull request closed.');
  });
});
