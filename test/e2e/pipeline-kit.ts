// Shared by the end-to-end tests: the whole pipeline in this process (the webhook service on a loopback port and
// startWorker) against the platform's Redis, apiserver and GitHub emulator, with queues under a prefix of its own.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Octokit } from '@octokit/rest';
import { pino, type Logger } from 'pino';
import { createRedisClient } from '../../adapters/queue/index.js';
import { queuePrefix } from '../../adapters/queue/queue-names.js';
import { startWorker, type RunningWorker } from '../../worker/compose.js';
import type { BuildConfig } from '../../worker/read-worker-config.js';
import { need, uniqueName } from '../platform/connect.js';
import { REPO_ROOT } from '../platform/paths.js';
import { buildPushPayload, deliverWebhook, type WebhookDelivery } from '../platform/github-emulator/index.js';
import { SECRET, startWebhook, type RunningWebhook } from '../integration/webhook/webhook-test-kit.js';
import type { TestRepo } from '../integration/worker/worker-test-kit.js';

export const OWNER = 'acme';

/** The webhook and a worker, running; `close()` stops both and removes the mirror cache. */
export interface Pipeline {
  readonly webhook: RunningWebhook;
  readonly worker: RunningWorker;
  /** A client of the emulator's REST API, to read what the worker wrote. */
  readonly github: Octokit;
  close(): Promise<void>;
}

/** How a pipeline differs from the default one. */
export interface PipelineOptions {
  /** The worker's kubeconfig file. Default: the platform's admin kubeconfig. */
  readonly kubeconfig?: string;
  /** The build stage (GANTRY_BUILDER and its settings). Default: none, deploys run the images the manifests name. */
  readonly build?: BuildConfig;
  /** How often the preview collector runs. Default: the worker's (300 s). */
  readonly previewCollectEveryMs?: number;
  /** The worker's logger. Default: pino at GANTRY_E2E_LOG's level (silent). */
  readonly log?: Logger;
  /** How long an environment stays free of drift before a failing `drift/<env>` is cleared. Default: the worker's (60 s). */
  readonly driftSettleMs?: number;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const redis = need('redis');
  const github = need('github');
  const kube = need('kubernetes');
  const namespace = uniqueName('e2e');
  const producer = createRedisClient({ url: redis.url, role: 'producer', name: 'e2e-webhook' });
  producer.on('error', () => undefined);
  await new Promise<void>((resolve) => producer.once('ready', () => resolve()));
  const webhook = await startWebhook(producer, queuePrefix(namespace));
  const gitCacheDir = await mkdtemp(join(tmpdir(), 'gantry-e2e-mirrors-'));
  const worker = await startWorker(
    {
      redisUrl: redis.url,
      queuePrefix: namespace,
      kubeconfig: options.kubeconfig ?? kube.kubeconfig,
      gitCacheDir,
      github: { baseUrl: github.url, auth: { type: 'token', token: github.token }, writeIntervalMs: 0 },
      logLevel: 'silent',
      ...(options.build && { build: options.build }),
      ...(options.previewCollectEveryMs !== undefined && { previewCollectEveryMs: options.previewCollectEveryMs }),
    },
    {
      log: options.log ?? pino({ level: process.env.GANTRY_E2E_LOG ?? 'silent' }),
      settings: { lockDurationMs: 10_000, stalledIntervalMs: 2_000 },
      jobOptions: {
        deploy: { backoff: { type: 'fixed', delay: 200 } },
        report: { backoff: { type: 'fixed', delay: 200 } },
      },
      healthPolling: { initialMs: 200, maxMs: 1_000 },
      ...(options.driftSettleMs !== undefined && { driftSettleMs: options.driftSettleMs }),
    },
  );
  return {
    webhook,
    worker,
    github: new Octokit({ baseUrl: github.url, auth: github.token }),
    async close() {
      await worker.close();
      await webhook.close();
      await producer.quit().catch(() => producer.disconnect());
      await rm(gitCacheDir, { recursive: true, force: true });
    },
  };
}

/** Delivers a signed `push` of `after` to `refs/heads/main` of `OWNER/<name>`, fetched from the test repository. */
export function deliverPush(
  pipeline: Pipeline,
  repo: Pick<TestRepo, 'git'>,
  name: string,
  before: string,
  after: string,
): Promise<WebhookDelivery> {
  const payload = buildPushPayload({
    repository: { owner: OWNER, name, cloneUrl: repo.git.cloneUrl },
    ref: 'refs/heads/main',
    before,
    after,
  });
  return deliverWebhook({ url: pipeline.webhook.url, secret: SECRET, event: 'push', payload });
}

/** The `deploy/<env>` states GitHub holds for a commit, oldest first. */
export async function statusStates(github: Octokit, name: string, sha: string, context: string): Promise<string[]> {
  const { data } = await github.repos.listCommitStatusesForRef({ owner: OWNER, repo: name, ref: sha, per_page: 100 });
  return data
    .filter((status) => status.context === context)
    .sort((a, b) => a.id - b.id)
    .map((status) => status.state);
}

/** A check run as the tests read it. */
export type CheckRun = Awaited<ReturnType<Octokit['checks']['listForRef']>>['data']['check_runs'][number];

/**
 * The check runs of a commit once each of `names` has one and all of them are completed. The report job writes
 * the check run and the commit status in two requests: a test that sees a final status may still be early for the
 * check run (test/e2e/rollback.test.ts failed 2 runs in 5 that way), so it waits for the state it asserts.
 */
export function completedCheckRuns(
  github: Octokit,
  name: string,
  sha: string,
  names: readonly string[],
  timeoutMs = 30_000,
): Promise<CheckRun[]> {
  return eventually(
    async () => (await github.checks.listForRef({ owner: OWNER, repo: name, ref: sha })).data.check_runs,
    (runs) => names.every((n) => runs.some((run) => run.name === n)) && runs.every((run) => run.status === 'completed'),
    timeoutMs,
  );
}

/** Polls until `done` holds for what `read` returns; fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    value = await read();
  }
  return value;
}

/** apps/<app> as this checkout holds it (app.yaml, Dockerfile, package.json, src/, base/), keyed by repository path. */
export async function sampleAppFiles(app: string): Promise<Record<string, string>> {
  const root = join(REPO_ROOT, 'apps', app);
  const files: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files[`apps/${app}/${relative(root, path)}`] = await readFile(path, 'utf8');
    }
  };
  await walk(root);
  return files;
}

/** A GitHub Deployment as the e2e tests read it. */
export interface DeploymentSeen {
  readonly id: number;
  readonly sha: string;
  readonly environment: string;
  readonly production: boolean;
  readonly transient: boolean;
  /** Oldest first. */
  readonly states: string[];
  readonly logUrls: string[];
  /** The latest status's environment_url, if any. */
  readonly environmentUrl?: string;
}

/** The Deployments of a commit, newest first, each with its statuses oldest first. */
export async function deploymentsOf(github: Octokit, name: string, sha: string): Promise<DeploymentSeen[]> {
  const { data } = await github.repos.listDeployments({ owner: OWNER, repo: name, sha, per_page: 100 });
  return Promise.all(
    data.map(async (deployment) => {
      const { data: statuses } = await github.repos.listDeploymentStatuses({
        owner: OWNER,
        repo: name,
        deployment_id: deployment.id,
        per_page: 100,
      });
      const oldestFirst = [...statuses].reverse();
      return {
        id: deployment.id,
        sha: deployment.sha,
        environment: deployment.environment,
        production: deployment.production_environment ?? false,
        transient: deployment.transient_environment ?? false,
        states: oldestFirst.map((status) => status.state),
        logUrls: oldestFirst.flatMap((status) => (status.log_url ? [status.log_url] : [])),
        ...(statuses[0]?.environment_url ? { environmentUrl: statuses[0].environment_url } : {}),
      };
    }),
  );
}

/**
 * The platform's kubeconfig as two contexts: `real` reaches the platform's apiserver; `nowhere` (current) points at a
 * server that refuses every connection. Written to `dir`; returns the file.
 */
export async function twoContextKubeconfig(dir: string, real: string): Promise<string> {
  const platform = new KubeConfig();
  platform.loadFromFile(need('kubernetes').kubeconfig);
  const cluster = platform.getCurrentCluster();
  const user = platform.getCurrentUser();
  if (!cluster || !user) throw new Error('the platform kubeconfig has no current cluster or user');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster, { name: 'nowhere', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [user],
    contexts: [
      { name: real, cluster: cluster.name, user: user.name },
      { name: 'nowhere', cluster: 'nowhere', user: user.name },
    ],
    currentContext: 'nowhere',
  });
  const file = join(dir, 'kubeconfig');
  await writeFile(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}
