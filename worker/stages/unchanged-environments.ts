// The plan stage's shortcut: an environment whose running release was rendered from inputs this commit does not
// change is not deployed again (a deploy would render, dry-run every object and find nothing to do).
import type { EnvConfig } from '../../core/config/env-config.js';
import { changedInput, type RenderInputs } from '../../core/deploy/render-inputs.js';
import type { ReleaseStore } from '../../core/ports/release-store.js';
import type { EntryKind, FileSystem } from '../../kustomize/fs/file-system.js';
import { renderKustomization } from '../../kustomize/render.js';
import { ENVIRONMENTS_DIR } from './read-environments.js';
import { untilAborted } from '../../adapters/common/until-aborted.js';

/** The commit an environment runs: its newest release's, when that release succeeded; otherwise undefined. */
export type DeployedCommit = (env: EnvConfig, signal: AbortSignal) => Promise<string | undefined>;

/** How long the plan waits for one environment's release history before deploying it anyway. */
const HISTORY_LOOKUP_MS = 5_000;

/**
 * {@link DeployedCommit} from each environment's release history (newest first). A history that cannot be read
 * within {@link HISTORY_LOOKUP_MS} (a cluster that does not answer, a context the kubeconfig lacks) answers
 * undefined: the environment is deployed, and its deploy reports the trouble.
 *
 * Plans running at once (a burst of pushes) share a lookup of one environment already in flight rather than each
 * reading every release Secret again. An answer a moment old is safe: a later commit of the branch changes a
 * superset of the paths an earlier one did, so comparing with an older running commit only deploys more.
 */
export function deployedCommitFrom(releaseStore: (env: EnvConfig) => ReleaseStore): DeployedCommit {
  const inFlight = new Map<string, Promise<string | undefined>>();
  const lookUp = async (env: EnvConfig): Promise<string | undefined> => {
    try {
      const [newest] = await releaseStore(env).list({ signal: AbortSignal.timeout(HISTORY_LOOKUP_MS) });
      return newest?.outcome === 'succeeded' ? newest.commit : undefined;
    } catch {
      return undefined;
    }
  };
  return async (env, signal) => {
    signal.throwIfAborted();
    // Partial: a configuration this code did not parse may lack its cluster; its lookup then fails (undefined).
    const cluster = (env as Partial<EnvConfig>).cluster;
    const key = `${cluster?.name ?? ''}\0${cluster?.context ?? ''}\0${env.namespace}\0${env.name}`;
    let lookup = inFlight.get(key);
    if (lookup === undefined) {
      const started = lookUp(env).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      lookup = started;
    }
    // The shared lookup goes on for the other plans when this one's signal aborts.
    return untilAborted(lookup, signal);
  };
}

/** A commit's reads the shortcut needs besides its tree. */
export interface CommitDiff {
  changedPaths(fromSha: string, toSha: string, options?: { signal?: AbortSignal }): Promise<string[]>;
}

/** Why an environment is not deployed again. */
export interface Unchanged {
  readonly environment: string;
  /** The commit it runs, whose render this commit's would equal. */
  readonly runs: string;
}

/**
 * The environments among `environments` that commit `sha` cannot change, compared with the commit each one runs.
 * One is unchanged only when all of this holds, and deployed otherwise (every doubt deploys):
 * - its newest release succeeded (not failed, rolled back, or still deploying), at a commit the mirror has;
 * - every path changed between that commit and `sha` lies under `environments/` (anything else may be an app's
 *   source, and so a new image, or a base many environments share);
 * - rendering it at `sha` (kustomize-ts, recording the paths it reads) reads none of them.
 */
export async function unchangedEnvironments(
  environments: readonly EnvConfig[],
  sha: string,
  source: { readonly tree: FileSystem; readonly diff: CommitDiff; readonly deployed: DeployedCommit },
  signal: AbortSignal,
): Promise<Unchanged[]> {
  // The environments are looked at side by side: each asks its cluster for its history, and git for a diff.
  const found = await Promise.all(
    environments.map(async (env): Promise<Unchanged | undefined> => {
      const runs = await source.deployed(env, signal);
      if (runs === undefined) return undefined;
      if (runs === sha) return { environment: env.name, runs };
      const changed = await source.diff.changedPaths(runs, sha, { signal }).catch(() => undefined);
      if (changed === undefined || changed.some((path) => !path.startsWith(`${ENVIRONMENTS_DIR}/`))) return undefined;
      const inputs = renderInputs(source.tree, env);
      return inputs !== undefined && changedInput(changed, inputs) === undefined ? { environment: env.name, runs } : undefined;
    }),
  );
  return found.filter((u): u is Unchanged => u !== undefined);
}

/** What rendering `environments/<name>` reads, or undefined when it does not render (the deploy reports why). */
function renderInputs(tree: FileSystem, env: EnvConfig): RenderInputs | undefined {
  const paths = new Set<string>();
  const dirs = new Set<string>();
  const recording: FileSystem = {
    kind: (path) => {
      const kind: EntryKind = tree.kind(path);
      (kind === 'directory' ? dirs : paths).add(path);
      return kind;
    },
    readFile: (path) => {
      paths.add(path);
      return tree.readFile(path);
    },
    readDir: (path) => {
      dirs.add(path);
      return tree.readDir(path);
    },
    realPath: (path) => {
      const real = tree.realPath(path);
      paths.add(path).add(real);
      return real;
    },
    ...(tree.describe && { describe: tree.describe.bind(tree) }),
  };
  try {
    renderKustomization(recording, `${ENVIRONMENTS_DIR}/${env.name}`);
  } catch {
    return undefined;
  }
  return { paths, dirs };
}
