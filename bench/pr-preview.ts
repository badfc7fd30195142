// Benchmark: pull request opened → its preview Healthy, and closed → its namespace gone, through the real pipeline
// (the webhook service and a worker in this process, as test/e2e/pipeline-kit.ts runs them) on the local platform.
//   npm run bench:preview [-- --prs 10 --write]
// With GANTRY_PLATFORM_FILE set, the running platform it names is used; otherwise one is started and stopped.
// The repository holds the catalog app (2 replicas) and dev's overlay with previews on. One pull request at a time:
// a commit on its branch, the signed `opened` delivery (clock starts at the webhook's 202), then polling every
// 50 ms until the `preview/dev` check run on its head is completed (the pipeline's own verdict: applied and every
// workload Healthy); then `closed` (clock starts at its 202) until the apiserver answers 404 for the namespace (the
// namespace controller has removed everything in it).
import { cpus, loadavg } from 'node:os';
import { KubeCluster } from '../adapters/kube/index.js';
import { deliverPush, OWNER, startPipeline } from '../test/e2e/pipeline-kit.js';
import { buildPullRequestPayload, deliverWebhook, ZERO_SHA } from '../test/platform/github-emulator/index.js';
import { createGitFixture } from '../test/platform/git-fixtures.js';
import { benchPlatform } from './bench-platform.js';
import { kubeConfig } from '../test/platform/connect.js';
import { catalogBase, overlayFiles } from '../test/integration/worker/worker-test-kit.js';
import { SECRET } from '../test/integration/webhook/webhook-test-kit.js';
import { replaceSection } from './benchmarks-file.js';
import { quantile } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const prs = Number(option('--prs', '10'));
const write = args.includes('--write');
if (!Number.isInteger(prs) || prs < 3) throw new Error('bench:preview: --prs takes a whole number, at least 3');
const POLL_MS = 50;
const TIMEOUT_MS = 120_000;

const load = loadavg()[0]!.toFixed(1);
const { shared, stop: stopBenchPlatform } = await benchPlatform();
const cluster = new KubeCluster(kubeConfig());
const pipeline = await startPipeline({ previewCollectEveryMs: 3_600_000 });
const git = await createGitFixture();
const suffix = Math.random().toString(16).slice(2, 8);
const namespace = `bench-preview-${suffix}`;
const prefix = `${namespace}-pr-`;
const repoName = `bench-preview-${suffix}`;
const files = (environment: string) => {
  const overlay = overlayFiles(namespace, { environment });
  const envFile = 'environments/dev/env.yaml';
  return {
    ...overlay,
    [envFile]: `${String(overlay[envFile])}preview:\n  enabled: true\n  namespacePrefix: ${prefix}\n  maxConcurrent: ${prs + 1}\n`,
  };
};

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`bench:preview: ${what} not within ${TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function deliverPullRequest(action: 'opened' | 'closed', number: number, head: string, base: string) {
  const payload = buildPullRequestPayload({
    repository: { owner: OWNER, name: repoName, cloneUrl: git.cloneUrl },
    action,
    number,
    head: { ref: `feature-${number}`, sha: head },
    base: { ref: 'main', sha: base },
  });
  const delivery = await deliverWebhook({ url: pipeline.webhook.url, secret: SECRET, event: 'pull_request', payload });
  const acceptedAt = performance.now();
  if (delivery.status !== 202) throw new Error(`bench:preview: the webhook answered ${delivery.status}`);
  return acceptedAt;
}

const opened: number[] = [];
const closed: number[] = [];
try {
  await git.writeFiles(await catalogBase());
  const base = await git.commitAndPush('catalog in dev, previews on', files('dev'));
  await deliverPush(pipeline, { git }, repoName, ZERO_SHA, base);
  await until('the initial deploy', async () => {
    const { data } = await pipeline.github.repos.listCommitStatusesForRef({ owner: OWNER, repo: repoName, ref: base });
    return data.some((status) => status.context === 'deploy/dev' && status.state === 'success') ? true : undefined;
  });
  for (let number = 1; number <= prs; number++) {
    await git.switchBranch(`feature-${number}`);
    const head = await git.commitAndPush(`pull request ${number}`, files(`pr-${number}`));
    await git.switchBranch('main');
    const openedAt = await deliverPullRequest('opened', number, head, base);
    const conclusion = await until(`preview ${number} healthy`, async () => {
      const { data } = await pipeline.github.checks.listForRef({ owner: OWNER, repo: repoName, ref: head });
      const run = data.check_runs.find((candidate) => candidate.name === 'preview/dev');
      return run?.status === 'completed' ? (run.conclusion ?? 'none') : undefined;
    });
    opened.push(performance.now() - openedAt);
    if (conclusion !== 'success') throw new Error(`bench:preview: preview ${number} ended ${conclusion}`);
    const closedAt = await deliverPullRequest('closed', number, head, base);
    await until(`preview ${number} gone`, async () =>
      (await cluster.get({ group: '', version: 'v1', kind: 'Namespace', name: `${prefix}${number}` })) === undefined
        ? true
        : undefined,
    );
    closed.push(performance.now() - closedAt);
    process.stderr.write(`pull request ${number}: healthy ${opened.at(-1)!.toFixed(0)} ms, gone ${closed.at(-1)!.toFixed(0)} ms\n`);
  }
} finally {
  await pipeline.close();
  await cluster.delete({ group: '', version: 'v1', kind: 'Namespace', name: namespace }).catch(() => undefined);
  cluster.close();
  await git.cleanup();
  await stopBenchPlatform();
}

const options = [...(prs === 10 ? [] : ['--prs', String(prs)]), ...(write ? ['--write'] : [])];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const report = [
  `Command: \`${shared ? 'GANTRY_PLATFORM_FILE=<file> ' : ''}npm run bench:preview${options.length > 0 ? ` -- ${options.join(' ')}` : ''}\`${shared ? ' (the running platform)' : ''} on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; load average (1 min) ${load} at the start. The platform, the webhook and a worker all share the machine.`,
  '',
  `| measure (${prs} pull requests, one at a time) | p50 | max |`,
  '|---|---:|---:|',
  `| opened (202) → \`preview/dev\` completed, every workload Healthy | ${seconds(quantile(opened, 0.5))} | ${seconds(Math.max(...opened))} |`,
  `| closed (202) → the namespace gone (404) | ${seconds(quantile(closed, 0.5))} | ${seconds(Math.max(...closed))} |`,
].join('\n');
process.stdout.write(`${report}\n`);
if (write) replaceSection('Pull request previews: opened → Healthy, closed → gone', report);
