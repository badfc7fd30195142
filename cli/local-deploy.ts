// The worker's deploy stage run from a command line: the request names a commit of the local repository (or,
// for a diff, its working tree), progress lives in memory and is echoed to stderr, logs go to stderr.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pino } from 'pino';
import { GitMirror } from '../adapters/git/index.js';
import type { DeployMode, DeployRequest } from '../core/deploy/deploy-request.js';
import { NULL_SHA } from '../core/deploy/deploy-request.js';
import { DiskFileSystem } from '../kustomize/index.js';
import { deployEnvironment, type DeployDeps, type DeployResult } from '../worker/stages/deploy-environment.js';
import type { DeployProgress } from '../worker/stages/deploy/deploy-progress.js';
import type { CommitSource, DeployStep } from '../worker/stages/deploy/deploy-types.js';
import { memoryProgress, type ProgressStore } from '../worker/stages/stage-context.js';
import type { CommandIo } from './command-io.js';
import { releaseStoreFor, type CommandScope } from './cluster-options.js';

/** Where the rendered files come from: a commit (fetched from the local repository), or the working tree. */
export type LocalSource = { readonly kind: 'commit'; readonly sha: string } | { readonly kind: 'working-tree'; readonly headSha: string };

/** A CommitSource that ignores the commit and serves the files on disk: `gantry diff` without `--ref`. */
function workingTree(root: string): CommitSource {
  return { fetch: async () => ({ treeAt: async () => new DiskFileSystem(root) }) };
}

/** Progress kept in memory, each recorded step echoed as `<command> <env>: <step> done`. */
function echoedProgress(io: CommandIo, label: string): ProgressStore<DeployStep, DeployProgress> {
  const store = memoryProgress<DeployStep, DeployProgress>();
  return {
    get: () => store.get(),
    record: async (step, data) => {
      io.stderr(`${label}: ${step} done\n`);
      await store.record(step, data);
    },
  };
}

/**
 * Runs `deployEnvironment` for `environment` from the local repository. The commit is fetched into a throwaway
 * mirror cache (a local fetch, removed afterwards), so the deploy reads exactly the commit, as the worker does.
 */
export async function deployLocally(
  scope: CommandScope,
  io: CommandIo,
  options: { readonly command: string; readonly environment: string; readonly mode: DeployMode; readonly source: LocalSource },
): Promise<DeployResult> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'gantry-cli-mirror-'));
  const log = pino(
    { level: process.env['GANTRY_LOG_LEVEL'] ?? 'warn', base: { environment: options.environment } },
    { write: (line: string) => io.stderr(line) },
  );
  const git: CommitSource = options.source.kind === 'commit' ? new GitMirror({ cacheDir }) : workingTree(scope.root);
  const deps: DeployDeps = { git, clusterFor: scope.clusterFor, releaseStore: (env) => releaseStoreFor(scope, env) };
  const sha = options.source.kind === 'commit' ? options.source.sha : options.source.headSha;
  const request: DeployRequest = {
    deliveryId: `cli-${randomUUID()}`,
    repo: { owner: 'local', name: basename(scope.root), cloneUrl: scope.root },
    ref: 'HEAD',
    sha,
    before: NULL_SHA,
    trigger: { kind: 'push' },
    environment: options.environment,
    mode: options.mode,
    target: { kind: 'environment' },
    requestedAt: new Date().toISOString(),
  };
  const label = `${options.command} ${options.environment}`;
  io.stderr(`${label}: ${options.source.kind === 'commit' ? `commit ${sha.slice(0, 12)}` : 'working tree'}\n`);
  try {
    return await deployEnvironment(request, deps, { signal: new AbortController().signal, log, progress: echoedProgress(io, label) });
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
