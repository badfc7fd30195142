// The `gantry/validate` stage: `gantry check` run on the commit a push or pull request is about, reported as a
// completed check run that branch protection can require. It runs in the plan job before the plan, and whatever
// becomes of the plan (an invalid env.yaml at a pull request's base, a commit force-pushed away), the check run is
// written completed: a required check must never wait forever.
import type { Logger } from 'pino';
import type { RepoRef } from '../../../adapters/github/index.js';
import { DeployError } from '../../../core/deploy-error.js';
import { pullRequestPayload, pushPayload } from '../../../core/deploy/github-event-payloads.js';
import type { GitHubDelivery } from '../../../core/deploy/map-github-event.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';
import type { Validation, ValidationProblem } from '../../../core/report/validate-report.js';
import { VALIDATE_CHECK, validateReport } from '../../../core/report/validate-report.js';
import type { FileSystem } from '../../../kustomize/index.js';
import type { Reporter } from '../../report-jobs.js';
import { checkRepository, type CheckResult } from './check-repository.js';
import { validationProblems } from './validation-problems.js';

/** The commit a delivery asks to validate, and where to fetch and report it. */
export interface ValidateTarget {
  readonly repo: RepoRef;
  readonly cloneUrl: string;
  /** The pushed tip, or the pull request's head. */
  readonly sha: string;
  /** The ref to fetch it by: the branch, or `refs/pull/<n>/head` (which GitHub keeps for forks too). */
  readonly ref: string;
  /** A pull request from another repository: its manifests are not sent to any cluster, not even as a dry run. */
  readonly fromFork: boolean;
}

/**
 * The apiserver's schema check of one environment's render: a server-side dry run on the cluster its env.yaml
 * names (worker/stages/deploy/validate-objects.ts in `dry-run` mode), nothing stored.
 *
 * @returns how many objects the apiserver answered for (the others wait for a Namespace or CRD of the render)
 * @throws DeployError, terminal, naming each rejected object; anything else when the cluster could not answer
 */
export type SchemaCheck = (env: EnvConfig, objects: readonly KubeObject[], signal: AbortSignal) => Promise<number>;

/** Pull request actions that bring a new head to check. */
const HEAD_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);
const ZERO_SHA = /^0{40}$/;

/** The commit to validate: a branch push's new tip, a pull request's head when opened, pushed to or reopened. */
export function validateTarget(delivery: GitHubDelivery): ValidateTarget | undefined {
  if (delivery.event === 'push') {
    const push = pushPayload.safeParse(delivery.payload);
    if (!push.success) return undefined;
    const { ref, after, deleted, repository } = push.data;
    if (!ref.startsWith('refs/heads/') || deleted === true || ZERO_SHA.test(after)) return undefined;
    return { repo: repoRef(repository.full_name), cloneUrl: repository.clone_url, sha: after, ref, fromFork: false };
  }
  if (delivery.event === 'pull_request') {
    const pull = pullRequestPayload.safeParse(delivery.payload);
    if (!pull.success || !HEAD_ACTIONS.has(pull.data.action)) return undefined;
    const { number, pull_request, repository } = pull.data;
    return {
      repo: repoRef(repository.full_name),
      cloneUrl: repository.clone_url,
      sha: pull_request.head.sha,
      ref: `refs/pull/${number}/head`,
      // A deleted fork (repo null) counts as a fork, as for previews.
      fromFork: pull_request.head.repo?.full_name !== repository.full_name,
    };
  }
  return undefined;
}

/** A repository checkout by commit (the git adapter's mirror). */
export interface ValidateSource {
  fetch(
    cloneUrl: string,
    sha: string,
    options?: { signal?: AbortSignal; ref?: string },
  ): Promise<{ treeAt(sha: string, options?: { signal?: AbortSignal }): Promise<FileSystem> }>;
}

/**
 * Checks the commit's apps and environments as `gantry check` does, each problem located at its file, line and
 * field.
 *
 * @throws DeployError from the fetch (GitFetchFailed is retryable; a commit the remote no longer has is terminal)
 */
export async function validateCommit(
  target: ValidateTarget,
  deps: ValidateDeps,
  signal: AbortSignal,
): Promise<Validation> {
  const repo = await deps.git.fetch(target.cloneUrl, target.sha, { signal, ref: target.ref });
  const tree = await repo.treeAt(target.sha, { signal });
  const results = checkRepository(tree);
  const problems = validationProblems(results, tree);
  const schema = await checkSchemas(results, target, deps.schema, signal);
  return {
    kind: 'checked',
    subjects: results.map(({ subject, status, note }) => ({ subject, status, note })),
    problems: [...problems, ...schema.problems],
    schema: schema.lines,
  };
}

/** What validation reads and where it sends manifests. */
export interface ValidateDeps {
  readonly git: ValidateSource;
  /** Without it, manifests are checked by rendering only (kustomize-ts's own checks). */
  readonly schema?: SchemaCheck;
}

/**
 * Each valid environment's render through the apiserver's dry run. A rejection is a problem on the overlay; a
 * cluster that cannot be reached is said in the summary, not counted as the commit's fault.
 */
async function checkSchemas(
  results: readonly CheckResult[],
  target: ValidateTarget,
  schema: SchemaCheck | undefined,
  signal: AbortSignal,
): Promise<{ problems: ValidationProblem[]; lines: string[] }> {
  // Only environments valid as written and as a set: a broken one is already reported, and may name no usable cluster.
  const environments = results.flatMap((result) =>
    result.status === 'ok' && result.environment ? [result.environment] : [],
  );
  if (schema === undefined || environments.length === 0) return { problems: [], lines: [] };
  if (target.fromFork)
    return { problems: [], lines: ["not checked: a fork's pull request sends nothing to any cluster (its render and config are checked above)"] };
  const problems: ValidationProblem[] = [];
  const lines: string[] = [];
  for (const { config, objects } of environments) {
    const overlay = `environments/${config.name}`;
    // The environment's namespace is created by its first deploy (step 3): until then, objects in it have no
    // dry-run answer (validate-objects leaves those waiting for a Namespace of the render), rather than failing.
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: config.namespace } } as KubeObject;
    const withNamespace = objects.some((o) => o.kind === 'Namespace' && o.metadata.name === config.namespace)
      ? objects
      : [namespace, ...objects];
    try {
      const answered = await schema(config, withNamespace, signal);
      const waiting = withNamespace.length - answered;
      lines.push(
        `${overlay}: ${answered} objects accepted by ${config.cluster.name}'s apiserver` +
          (waiting > 0 ? `; ${waiting} not checked: they need a Namespace or CRD no deploy has created yet` : ''),
      );
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof DeployError && error.terminal) {
        const file = error.reason === Reason.InvalidConfig ? `${overlay}/env.yaml` : `${overlay}/kustomization.yaml`;
        const field = error.reason === Reason.InvalidConfig ? 'cluster' : '';
        problems.push({ file, field, line: 1, message: `${error.reason}: ${error.message}` });
        lines.push(`${overlay}: rejected (${error.reason})`);
      } else {
        lines.push(`${overlay}: not checked, ${config.cluster.name} did not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { problems, lines };
}

/** What became of the check run. */
export type ValidateOutcome = 'reported' | 'refused' | 'not-applicable';

/**
 * Validates the delivery's commit and writes the completed `gantry/validate` check run (external id
 * `validate/<sha>`). A fetch that fails for good, or on the job's last attempt, is reported as a failure saying why,
 * so the check is completed either way.
 *
 * @throws what fails transiently while attempts remain (the fetch, GitHub), so the job is retried
 */
export async function validateDelivery(
  delivery: GitHubDelivery,
  deps: ValidateDeps & { readonly reporter: Pick<Reporter, 'upsertCheckRun'> },
  ctx: { readonly signal: AbortSignal; readonly log: Logger; readonly lastAttempt: boolean },
): Promise<ValidateOutcome> {
  const target = validateTarget(delivery);
  if (target === undefined) return 'not-applicable';
  let validation: Validation;
  try {
    validation = await validateCommit(target, deps, ctx.signal);
  } catch (error) {
    const terminal = error instanceof DeployError && error.terminal;
    if (ctx.signal.aborted || (!terminal && !ctx.lastAttempt)) throw error;
    const reason = error instanceof DeployError ? error.reason : 'ValidationFailed';
    validation = { kind: 'unchecked', reason, message: error instanceof Error ? error.message : String(error) };
  }
  const words = validateReport(target.sha, validation);
  try {
    await deps.reporter.upsertCheckRun(
      target.repo,
      {
        sha: target.sha,
        name: VALIDATE_CHECK,
        externalId: `validate/${target.sha}`,
        progress: { status: 'completed', conclusion: words.conclusion },
        title: words.title,
        summary: words.summary,
        annotations: words.annotations,
      },
      { signal: ctx.signal },
    );
  } catch (writeError) {
    if ((writeError as { terminal?: unknown }).terminal !== true) throw writeError;
    ctx.log.warn({ err: writeError, check: VALIDATE_CHECK }, 'GitHub refused the validation report');
    return 'refused';
  }
  ctx.log.info({ check: VALIDATE_CHECK, sha: target.sha, conclusion: words.conclusion }, words.title);
  return 'reported';
}

function repoRef(fullName: string): RepoRef {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo };
}
