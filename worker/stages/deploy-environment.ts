// The deploy stage: one environment brought to one commit, as a numbered script of calls. Each step records its
// progress; a resumed run (after a crash, an abort or a retry) skips what is safe to skip. See worker/README.md.
import { listOncePerRun } from './deploy/release-list-memo.js';
import type { EnvConfig } from '../../core/config/env-config.js';
import type { FileSystem } from '../../kustomize/fs/file-system.js';
import {
  applyList,
  applyStages as stagesToApply,
  newInventory,
  pruneList,
  waitSet,
  type ChangeSet,
} from '../../core/diff/change-set.js';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';
import { DeployError } from '../../core/deploy-error.js';
import {
  changedEnvFields,
  invalidNamespaceName,
  previewEnvConfig,
  previewEnvironmentName,
  previewUrls,
  relocateToPreview,
  type PreviewIdentity,
} from '../../core/deploy/preview.js';
import { onBaseTarget, renderOnBaseTarget, targetMoveLine } from '../../core/deploy/pull-request-target.js';
import { refKey, refOf, type KubeObject } from '../../core/kube/object.js';
import type { CanarySummary } from '../../core/report/deploy-report.js';
import { canaryRelease, withoutHeldBack, type CanaryRelease } from '../../core/canary/canary-release.js';
import {
  checkCanaryRoutes,
  planReleaseCanaries,
  runCanaries,
  type CanariesOutcome,
} from './canary/release-canaries.js';
import type { ReleaseStore } from '../../core/ports/release-store.js';
import { Reason } from '../../core/reasons.js';
import { manifestDigest } from '../../core/release/manifest-digest.js';
import { inventoryToPrune, toInventory } from '../../core/release/release-history.js';
import { applyStages } from './deploy/apply-changes.js';
import { computeDiff, prepareForApply } from './deploy/compute-diff.js';
import { handOverToAutoscalers } from './deploy/hand-over-to-autoscalers.js';
import { autoscaledTargets } from '../../core/diff/ignore-rules.js';
import { confirmCurrent, unchangedCurrent } from './deploy/confirm-current.js';
import {
  asTerminal,
  dryRunResult,
  failedEarly,
  failureOf,
  settledResult,
  succeededResult,
} from './deploy/deploy-results.js';
import { DeployRun, type DeployContext } from './deploy/deploy-run.js';
import type { AttemptFailure, DeployDeps, DeployResult } from './deploy/deploy-types.js';
import { ensureEnvironmentNamespace } from './deploy/ensure-environment-namespace.js';
import { ensurePreviewNamespace } from './deploy/ensure-preview-namespace.js';
import { cachedLive, watchDeployed } from './deploy/live-state.js';
import { pruneObjects } from './deploy/prune-objects.js';
import { renderEnvironment } from './deploy/render-environment.js';
import { settleFailure } from './deploy/settle-failure.js';
import { trimHistory } from './deploy/trim-history.js';
import { validateObjects } from './deploy/validate-objects.js';
import { waitForHealth, waitLogger } from './deploy/wait-for-health.js';
import { ENVIRONMENTS_DIR, envFile, readEnvironment } from './read-environments.js';
import { pinnedTree } from './build/pinned-tree.js';
import { pinnedReference, type ImagePin } from '../../core/build/image-pins.js';

export type { DeployContext } from './deploy/deploy-run.js';
export type { DeployDeps, DeployResult } from './deploy/deploy-types.js';

/** What steps 1–5 produce: the environment, the objects to apply, and what applying them changes. */
interface Prepared {
  readonly env: EnvConfig;
  readonly objects: readonly KubeObject[];
  readonly changeSet: ChangeSet;
  /** The canaries this release walks, and the stable Deployments the environment apply leaves to them. */
  readonly canaries: CanaryRelease;
}

/**
 * Brings `request.environment` to commit `request.sha` (or, for a `dry-run` request, reports what that would
 * change without applying anything), and says how it went.
 *
 * Terminal failures (invalid config, render errors, invalid manifests, a failed rollout) end in a returned result
 * with a reason. Transient failures, after the adapters' own retries, and aborts are thrown: the queue retries the
 * job and the next run resumes from the recorded progress.
 */
export async function deployEnvironment(
  request: DeployRequest,
  deps: DeployDeps,
  ctx: DeployContext,
  pins: readonly ImagePin[] = [],
): Promise<DeployResult> {
  const run = new DeployRun(request, { ...deps, releaseStore: listOncePerRun(deps.releaseStore) }, ctx);
  if (run.data.result) return run.data.result;
  let prepared: Prepared;
  try {
    prepared = await prepare(run, pins);
  } catch (error) {
    const terminal = asTerminal(error);
    if (terminal === undefined) throw error;
    return run.finish(failedEarly(run, terminal, run.data.changeSet));
  }
  if (request.mode === 'dry-run') return run.finish(dryRunResult(run, prepared.changeSet));
  const result = await deploy(run, prepared, pins);
  if (result.outcome === 'succeeded') {
    await watchDeployed(run.deps.liveState(prepared.env), prepared.objects, run.signal, run.ctx.log);
    run.deps.deployed(prepared.env, request);
  }
  return result;
}

/**
 * Steps 1–5: nothing in the environment changes yet (except a missing namespace, created empty). `pins` are the
 * images the build stage produced for this commit, rendered by digest.
 */
async function prepare(run: DeployRun, pins: readonly ImagePin[]): Promise<Prepared> {
  const { request, deps, signal } = run;
  const preview = previewTarget(request);
  if (preview) run.preview = preview;
  // 1. Load the environment's env.yaml from the commit's tree (a mirror fetch, no checkout), and find the cluster it
  //    names: a context the kubeconfig lacks fails here, before anything is sent to any cluster. A preview deploys
  //    the environment moved into its own namespace (core/deploy/preview.ts), configured by the base branch's
  //    env.yaml (the one the plan read), never the pull request's own: its head renders the overlay only.
  //    A pull request's dry-run diff reaches the cluster and namespace the base branch's env.yaml names, never the
  //    head's (core/deploy/pull-request-target.ts): the head's overlay and the rest of its env.yaml are diffed there.
  const { configured, env, tree, cluster, targetMove } = await run.step('config', async () => {
    const repo = await deps.git.fetch(request.repo.cloneUrl, request.sha, { signal, ref: request.ref });
    const tree = await repo.treeAt(request.sha, { signal });
    if (request.trigger.kind !== 'pull_request') {
      const configured = readEnvironment(tree, request.environment);
      return { configured, env: configured, tree, cluster: deps.clusterFor(configured) };
    }
    const base = request.before;
    const baseRef = `refs/heads/${request.trigger.baseRef}`;
    const baseTree = await (await deps.git.fetch(request.repo.cloneUrl, base, { signal, ref: baseRef })).treeAt(base, { signal });
    if (!preview) {
      const head = readEnvironment(tree, request.environment);
      const target = onBaseTarget(head, baseEnvironment(baseTree, request.environment, request.trigger.baseRef));
      if (target.moved) {
        run.moved = target.moved;
        run.ctx.log.info({ moved: target.moved, base }, targetMoveLine(target.moved));
      }
      return { configured: head, env: target.env, tree, cluster: deps.clusterFor(target.env), targetMove: target.moved };
    }
    const configured = readEnvironment(baseTree, request.environment);
    const ignoredConfig = headConfigChanges(configured, tree, request.environment);
    if (ignoredConfig.length > 0) {
      run.preview = { ...preview, ignoredConfig };
      run.ctx.log.info(
        { ignoredConfig, base },
        `the pull request's ${envFile(request.environment)} changes ${ignoredConfig.join(', ')}: not used for its preview, which runs under ${request.trigger.baseRef}'s (${base.slice(0, 7)})`,
      );
    }
    const env = previewEnvConfig(configured, preview.namespace);
    return { configured, env, tree, cluster: deps.clusterFor(env) };
  });
  // 2. Render environments/<env> with kustomize-ts, built images pinned by digest; errors name the file and field;
  //    an empty render fails. A preview's objects move into its namespace; cluster-scoped ones are skipped.
  const objects = await run.step('render', () => {
    const rendered = renderEnvironment(pinnedTree(tree, `${ENVIRONMENTS_DIR}/${configured.name}`, pins), configured);
    if (!preview) return prepareForApply(
        targetMove ? renderOnBaseTarget(rendered, targetMove.to.namespace, targetMove.from.namespace) : rendered,
      );
    const moved = relocateToPreview(rendered, configured.namespace, preview.namespace);
    run.preview = { ...(run.preview ?? preview), urls: previewUrls(moved.objects), skipped: moved.skipped };
    if (moved.objects.length === 0)
      throw new DeployError(
        Reason.RenderFailed,
        `render of ${ENVIRONMENTS_DIR}/${configured.name} has no namespaced objects to preview (every object is cluster-scoped)`,
      );
    return prepareForApply(moved.objects);
  });
  //    The canaries the environment's strategy and the apps' `canary:` sections ask for; an app.yaml whose canary
  //    this render cannot serve (no Service selecting its pods) fails here. A preview never canaries: it is deployed
  //    in place and left for inspection.
  const planned = preview ? [] : planReleaseCanaries(tree, env, objects);
  const at = { env, cluster, cloudMap: deps.cloudMap };
  // An earlier run validated and diffed already: its ChangeSet stands (a new diff would miss what it applied).
  if (run.data.changeSet)
    return { env, objects, changeSet: run.data.changeSet, canaries: canaryRelease(run.data.changeSet, planned) };
  // 3. Ensure the namespace exists (never in a dry run: it changes nothing); a preview's with its labels, quota,
  //    limits and network boundary, within the environment's limit of previews.
  if (request.mode === 'apply')
    await run.step('namespace', async () => {
      await (preview && request.trigger.kind === 'pull_request'
        ? ensurePreviewNamespace(
            cluster,
            configured,
            preview.namespace,
            {
              repository: `${request.repo.owner}/${request.repo.name}`,
              pullRequest: request.trigger.number,
              headSha: request.sha,
              deployedAt: Date.parse(run.data.startedAt),
            },
            deps.fieldManager,
            signal,
          )
        : ensureEnvironmentNamespace(cluster, env, deps.fieldManager, signal));
    });
  // 4. Validate with a server-side dry-run every object the live-state cache does not know to be in sync (all of
  //    them when it is cold); one rejection and nothing is applied. From here to the end of step 7, env.yaml's
  //    apply.timeout bounds the run (ApplyTimedOut).
  const deadline = run.applyDeadline(env);
  const liveState = deps.liveState(env);
  const { validation, cached, previousInventory } = await run.step('validate', () =>
    deadline.run(`validating ${countObjects(objects.length)}`, async (signal) => {
      const previousInventory = inventoryToPrune(await deps.releaseStore(env).list({ signal }));
      const cached = await cachedLive(liveState, env, objects, previousInventory, signal, (why) => run.ctx.log.info(why), cluster);
      const toValidate = cached ? objects.filter((object) => !cached.inSync.has(refKey(refOf(object)))) : objects;
      if (cached) run.ctx.log.debug({ inSync: cached.inSync.size, toValidate: toValidate.length }, 'live-state cache used');
      const options = { fieldManager: deps.fieldManager, mode: request.mode, signal };
      return { validation: await validateObjects(toValidate, cluster, options), cached, previousInventory };
    }),
  );
  // 5. Diff live against the dry-run result; the previous releases' inventory gives the prune candidates.
  const changeSet = await run.step(
    'diff',
    () =>
      deadline.run(`comparing ${countObjects(objects.length)} with the cluster`, (signal) =>
        computeDiff({
          desired: objects,
          validation,
          env,
          previousInventory,
          ...(cached && { cached }),
          ...(liveState && { memo: liveState.memo }),
          cluster,
          secretSalt: deps.secretSalt,
          signal,
        }),
      ),
    (changeSet) => ({ changeSet }),
  );
  // The canaries walk where a stable version runs and this release changes its pods; their routes must be servable
  // (the provider's CRDs, the Gateway or the mesh) before anything is applied.
  const canaries = canaryRelease(changeSet, planned);
  if (canaries.walks.length > 0) await checkCanaryRoutes(canaries.walks, at, signal);
  return { env, objects, changeSet, canaries };
}

/**
 * A preview request's identity before the render; refuses a namespace name the cluster would reject (a prefix and
 * number that do not make one), before anything is sent to the cluster.
 */
function previewTarget(request: DeployRequest): PreviewIdentity | undefined {
  if (request.target.kind !== 'preview') return undefined;
  const { namespace } = request.target;
  if (request.trigger.kind !== 'pull_request')
    throw new DeployError(Reason.InvalidConfig, `a preview (${namespace}) is deployed for a pull request only`);
  const invalid = invalidNamespaceName(namespace);
  if (invalid !== undefined)
    throw new DeployError(
      Reason.InvalidConfig,
      `the preview of pull request #${request.trigger.number} cannot be deployed: ${invalid} (environments/${request.environment}/env.yaml preview.namespacePrefix). Nothing was applied.`,
    );
  return {
    environmentName: previewEnvironmentName(request.environment, request.trigger.number),
    transient: true,
    pullRequest: request.trigger.number,
    namespace,
    urls: [],
    skipped: [],
  };
}

/**
 * The base branch's env.yaml of the environment a pull request's diff is about: where the diff may look. An
 * environment the base does not have (or cannot read) has no target a pull request may choose, so its diff stops
 * here, before anything is sent to any cluster.
 */
function baseEnvironment(baseTree: FileSystem, environment: string, baseRef: string): EnvConfig {
  try {
    return readEnvironment(baseTree, environment);
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    throw new DeployError(
      Reason.InvalidConfig,
      `${envFile(environment)} of the base branch ${baseRef} cannot be read (${error.message}): a pull request's diff reaches only the cluster and namespace the base branch names, so nothing was diffed; the environment is diffed once merged.`,
      { cause: error },
    );
  }
}

/**
 * What the pull request's head changes in the environment's env.yaml (top-level fields), compared with the base's
 * `configured`: its preview does not use it, and says so. A head whose env.yaml is missing or invalid counts as a
 * change of the whole file (the base's still configures the preview; the dry-run diff reports the head's errors).
 */
function headConfigChanges(configured: EnvConfig, head: FileSystem, environment: string): string[] {
  try {
    return changedEnvFields(configured, readEnvironment(head, environment));
  } catch (error) {
    if (error instanceof DeployError) return ['env.yaml'];
    throw error;
  }
}

/** Steps 6–10. */
async function deploy(
  run: DeployRun,
  { env, objects, changeSet, canaries }: Prepared,
  pins: readonly ImagePin[],
): Promise<DeployResult> {
  const store = run.deps.releaseStore(env);
  // 6. A deploy that changes nothing repeats the current release: that one is re-verified, nothing new recorded.
  if (run.data.revision === undefined) {
    const current = await unchangedCurrent(store, changeSet, run.request.sha, manifestDigest(objects), run.signal);
    if (current !== undefined) return confirmCurrent(run, store, changeSet, current);
  }
  // Otherwise record the release as `deploying` with its manifests, before applying anything (idempotent by deployId).
  const revision =
    run.data.revision ??
    (await run.step(
      'record',
      () => recordDeploying(run, store, objects, changeSet, pins),
      (revision) => ({ revision }),
    ));
  const clusterChanged = applyList(changeSet).length > 0 || pruneList(changeSet).length > 0;
  let failure = run.data.failure;
  let walked: CanariesOutcome | undefined;
  if (failure === undefined) {
    try {
      const outcome = await rollOut(run, env, objects, changeSet, canaries);
      if (outcome.kind === 'healthy') {
        walked = await walkCanaries(run, env, objects, canaries, revision);
        if (walked.kind === 'promoted') return await succeed(run, env, changeSet, revision, walked.summaries);
        failure = { reason: Reason.CanaryAborted, message: walked.message, ref: walked.ref, clusterChanged };
      } else failure = { ...outcome.failure, clusterChanged };
    } catch (error) {
      const terminal = asTerminal(error);
      if (terminal === undefined) throw error;
      failure = failureOf(terminal, clusterChanged);
    }
    await run.save('rollout', { failure });
  }
  // 10. Failed: record it, and roll back to the last good release when the environment enables it.
  const failed = failure;
  const settled = await run.step('rollback', () => settleFailure(run, env, revision, failed));
  // Trimmed after failures too: a run of them must not grow the history past its limit.
  await trimHistory(run, env);
  const summaries = walked?.summaries ?? [];
  return run.finish({
    ...settledResult(run, settled, failed, changeSet, revision),
    ...(summaries.length > 0 && { canaries: summaries }),
  });
}

/** Step 6: the release record, with the manifests a later rollback would re-apply; returns its revision. */
async function recordDeploying(
  run: DeployRun,
  store: ReleaseStore,
  objects: readonly KubeObject[],
  changeSet: ChangeSet,
  pins: readonly ImagePin[],
): Promise<number> {
  const images = pins.map((pin) => ({ name: pin.name, reference: pinnedReference(pin) }));
  const draft = {
    deployId: run.deployId,
    commit: run.request.sha,
    manifestDigest: manifestDigest(objects),
    inventory: toInventory(newInventory(changeSet)),
    outcome: 'deploying' as const,
    ...(images.length > 0 && { images }),
    startedAt: run.data.startedAt,
  };
  return (await store.record(draft, objects, { signal: run.signal })).revision;
}

/**
 * Steps 7–9: apply, prune, wait. Resumed runs skip finished apply stages and a finished prune. The stable
 * Deployments of walked canaries are neither applied nor waited on: their new template comes with the promotion.
 */
async function rollOut(
  run: DeployRun,
  env: EnvConfig,
  objects: readonly KubeObject[],
  changeSet: ChangeSet,
  canaries: CanaryRelease,
): Promise<{ kind: 'healthy' } | { kind: 'failed'; failure: Omit<AttemptFailure, 'clusterChanged'> }> {
  const { fieldManager, healthPolling, now } = run.deps;
  const cluster = run.deps.clusterFor(env);
  const signal = run.signal;
  // 7. Apply only created and configured objects, stage by stage (Namespaces and CRDs first), after handing the
  //    replicas of autoscaled workloads over to their autoscaler (and seeding the ones created now), within
  //    apply.timeout: past it, requests in flight are cancelled, no further stage starts, and the deploy fails (and
  //    rolls back as any failed apply does).
  await run.step('apply', () =>
    run
      .applyDeadline(env)
      .run(`applying ${countObjects(applyList(changeSet).length)}`, async (signal) =>
        applyStages(
          stagesToApply(changeSet, await handOverToAutoscalers(withoutHeldBack(objects, canaries), cluster, { fieldManager, signal })),
          run.data.appliedStages ?? 0,
          cluster,
          { fieldManager, signal, onApplied: (desired, applied) => run.deps.liveState(env)?.memo.remember(desired, applied) },
          (done) => run.save('apply', { appliedStages: done }),
        ),
      ),
  );
  // 8. Prune what earlier releases applied and this render dropped (core/prune honoured apply.prune already).
  if (run.data.pruned !== true)
    await run.step(
      'prune',
      () => {
        // Deleted by the pipeline itself: not drift.
        for (const ref of pruneList(changeSet)) run.deps.liveState(env)?.memo.forget(refKey(ref));
        return pruneObjects(pruneList(changeSet), cluster, signal);
      },
      () => ({ pruned: true }),
    );
  // 9. Wait for the health of what was applied; Degraded fails fast, the env's rollout timeout bounds the rest.
  const onWait = waitLogger(run.ctx.log, now);
  const { verdict, health } = await run.step(
    'rollout',
    () =>
      waitForHealth(
        waitSet(changeSet).filter((ref) => !canaries.heldBack.has(refKey(ref))),
        cluster,
        {
          timeoutMs: env.rollout.timeout,
          polling: healthPolling,
          signal,
          now,
          onWait,
        },
      ),
    (outcome) => ({ health: outcome.health }),
  );
  if (verdict.kind === 'healthy') return { kind: 'healthy' };
  const ref = health.unhealthy[0]?.ref;
  return { kind: 'failed', failure: { reason: verdict.reason, message: verdict.message, ...(ref && { ref }) } };
}

/**
 * Step 9b: each canary walks its steps (worker/stages/canary/walk-canary.ts), progress in the release record; a
 * resumed run continues at the recorded step. An abort has already put the traffic back on stable and scaled the
 * canary down when it returns; the stable Deployment never took the new template, so the automatic rollback that
 * follows only restores the release's other objects and never touches the route.
 */
async function walkCanaries(
  run: DeployRun,
  env: EnvConfig,
  objects: readonly KubeObject[],
  canaries: CanaryRelease,
  revision: number,
): Promise<CanariesOutcome> {
  if (canaries.walks.length === 0) return { kind: 'promoted', summaries: [] };
  const { deps, signal } = run;
  const cluster = deps.clusterFor(env);
  // Every autoscaler goes with the promoted Deployment, so its apply keeps what they manage: the HPA's or the
  // ScaledObject's replicas (without them, a seeded count gantry still owned dropped to 1), the VPA's resources.
  const autoscalers = objects.filter((object) => object.kind === 'VerticalPodAutoscaler' || autoscaledTargets([object]).length > 0);
  const promoted = async (deployment: KubeObject) =>
    (await handOverToAutoscalers([deployment, ...autoscalers], cluster, { fieldManager: deps.fieldManager, signal }))[0] ?? deployment;
  return run.step('canary', () =>
    runCanaries(
      canaries.walks,
      { env, cluster, cloudMap: deps.cloudMap },
      {
        promoted,
        store: deps.releaseStore(env),
        revision,
        fieldManager: deps.fieldManager,
        polling: deps.healthPolling,
        now: deps.now,
        signal,
        log: run.ctx.log,
        onProgress: deps.canaryProgress,
      },
    ),
  );
}

/** Step 10 on success: the release is `succeeded` (the next rollback target), and the history is trimmed. */
async function succeed(
  run: DeployRun,
  env: EnvConfig,
  changeSet: ChangeSet,
  revision: number,
  canaries: readonly CanarySummary[],
): Promise<DeployResult> {
  const store = run.deps.releaseStore(env);
  await store.update(
    revision,
    { outcome: 'succeeded', finishedAt: new Date(run.deps.now()).toISOString(), timings: run.data.timings },
    { signal: run.signal },
  );
  await trimHistory(run, env);
  const health = run.data.health;
  if (health === undefined)
    throw new Error('deploy succeeded without a health check: the rollout step must record one');
  return run.finish({
    ...succeededResult(run, changeSet, health, revision),
    ...(canaries.length > 0 && { canaries }),
  });
}

function countObjects(count: number): string {
  return `${count} object${count === 1 ? '' : 's'}`;
}
