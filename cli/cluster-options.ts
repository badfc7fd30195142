// What the cluster commands (history, status, diff, apply) share: their flags, the kubeconfig, the repository
// directory and the environment read from it. Each command parses with `parseClusterArgs` and opens with
// `openEnvironment`, so every command names its inputs the same way and fails the same way.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { KubeClusters, KubeReleaseStore, type KubeCluster } from '../adapters/kube/index.js';
import type { EnvConfig } from '../core/config/env-config.js';
import type { ReleaseStore } from '../core/ports/release-store.js';
import { DiskFileSystem } from '../kustomize/index.js';
import { readEnvironment } from '../worker/stages/read-environments.js';
import type { CommandIo } from './command-io.js';

/** The flags the cluster commands understand; each command says which it requires. */
export interface ClusterArgs {
  readonly env?: string;
  readonly kubeconfig?: string;
  /** The kubeconfig context to use instead of the one env.yaml names. */
  readonly context?: string;
  /** The repository directory; default: the git work tree holding the working directory. */
  readonly repo?: string;
  readonly ref?: string;
  /** `gantry rollback --to`: a commit (prefix) of an earlier release. */
  readonly to?: string;
  readonly help: boolean;
}

/** A command-line mistake: the command prints it with its usage and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const VALUE_FLAGS = {
  '--env': 'env',
  '--context': 'context',
  '--kubeconfig': 'kubeconfig',
  '--repo': 'repo',
  '--ref': 'ref',
  '--to': 'to',
} as const;

/** Parses `--flag value` and `--flag=value`; anything else is a UsageError naming it. */
export function parseClusterArgs(args: readonly string[], allowed: readonly (keyof typeof VALUE_FLAGS)[]): ClusterArgs {
  const out: { -readonly [K in keyof ClusterArgs]: ClusterArgs[K] } = { help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!(allowed as readonly string[]).includes(flag)) throw new UsageError(`unknown argument '${arg}'`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    out[VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS]] = value;
  }
  return out;
}

/** The git work tree holding `dir` (`git rev-parse --show-toplevel`). */
export function repositoryRoot(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`${dir}: not inside a git repository`, { cause: error });
  }
}

/** The repository and the clusters, opened once per command; `close()` ends every connection pool. */
export interface CommandScope {
  readonly root: string;
  /**
   * The cluster of an environment: `--context` when given, else the one its env.yaml names (as in the worker).
   *
   * @throws DeployError naming the context and the kubeconfig when the kubeconfig lacks it
   */
  clusterFor(env: EnvConfig): KubeCluster;
  close(): void;
}

/**
 * Opens the repository and the kubeconfig (`--kubeconfig`, else KUBECONFIG, else ~/.kube/config, else in-cluster;
 * none: "no kubeconfig found"); clusters are connected when a command first needs one.
 */
export function openScope(args: ClusterArgs, io: CommandIo): CommandScope {
  const root = repositoryRoot(resolve(io.cwd, args.repo ?? '.'));
  const clusters = KubeClusters.load(args.kubeconfig ?? process.env['KUBECONFIG']);
  return {
    root,
    clusterFor: (env) =>
      clusters.forCluster(args.context === undefined ? env.cluster : { ...env.cluster, context: args.context }),
    close: () => clusters.close(),
  };
}

/** The environment `name` as the working tree's environments/<name>/env.yaml defines it. */
export function environmentOnDisk(root: string, name: string): EnvConfig {
  return readEnvironment(new DiskFileSystem(root), name);
}

/** The environment's release history in its cluster. */
export function releaseStoreFor(scope: CommandScope, env: EnvConfig): ReleaseStore {
  return new KubeReleaseStore(scope.clusterFor(env), { environment: env.name, namespace: env.namespace });
}

/** `Error: message` and the causes' messages, for stderr; exit code 1. */
export function reportError(io: CommandIo, command: string, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr(`gantry ${command}: ${error.message}\n`);
    return 1;
  }
  io.stderr(`Error: ${errorText(error)}\n`);
  return 1;
}

/**
 * An error's message followed by its causes' messages, `: `-joined, each said once: a wrapper that already quotes
 * its cause (the kube adapter's `cluster unreachable: <cause>`, an invalid-config list whose cause is its first
 * entry) would otherwise print the same clause twice.
 */
export function errorText(error: unknown): string {
  let text = '';
  let depth = 0;
  for (let e: unknown = error; e !== undefined && depth < 4; e = e instanceof Error ? e.cause : undefined, depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (text.includes(message)) continue;
    text = text === '' ? message : `${text}: ${message}`;
  }
  return text;
}
