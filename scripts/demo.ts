// The main job on the embedded local platform, as a newcomer sees it (`bash scripts/demo.sh`):
//   1. the local platform (started, or the running one reused)
//   2. a GitOps repository holding this checkout's apps/ and environments/, in a real bare git repository
//   3. the webhook service and a worker, as their own processes (npm run webhook / npm run worker)
//   4. a push to main delivered as a signed GitHub webhook: each app's image built (buildah → the platform's
//      registry), dev and staging deployed by digest, GitHub statuses and checks
//   5. a change to apps/catalog/src: catalog alone is built and runs by digest in dev and staging (skopeo inspect)
//   6. a pull request into main: dev previewed in a namespace of its own (healthy, its URLs in the pull request's
//      comment), then closed: the namespace deleted
//   7. a bad change in dev (pods that never become Ready): rolled back on its own, GitHub says so
//   8. promotion: main's good commit pushed to `release`, which production follows (nothing to build)
//   9. `gantry status` and `gantry history` against the same cluster
// Every step checks what it claims and stops with a message naming the log to read when it does not hold.
// The webhook and worker are stopped at the end; the platform is left running for exploring.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Octokit } from '@octokit/rest';
import { simpleGit } from 'simple-git';
import { dispatch } from '../cli/dispatch.js';
import { DiskFileSystem, renderKustomization } from '../kustomize/index.js';
import { readEnvironments } from '../worker/stages/read-environments.js';
import { DEFAULT_IMAGE_ALLOWLIST } from '../test/platform/components/image-gate.js';
import { firstMissingImage } from '../test/platform/image-gate/check-images.js';
import { createGitFixture, type FixtureFiles, type GitFixture } from '../test/platform/git-fixtures.js';
import {
  buildPullRequestPayload,
  buildPushPayload,
  deliverWebhook,
  ZERO_SHA,
} from '../test/platform/github-emulator/index.js';
import { currentPlatformFile, REPO_ROOT } from '../test/platform/paths.js';
import { freePort } from '../test/platform/ports.js';
import { readState, type PlatformState } from '../test/platform/state.js';
import { isAlive } from '../test/platform/supervise.js';
import { printRouteWeights, provisionTraffic, shortCanaries } from './demo/canary-platform.js';
import { claimsIn, provisionVolumes } from './demo/provision-volumes.js';
import { readFile } from 'node:fs/promises';

const OWNER = 'acme';
const STEPS = 9;
// The first push builds every app's image from a cold layer cache: minutes on a loaded two-core machine.
const DEADLINE_MS = Number(process.env.GANTRY_DEMO_TIMEOUT_MS ?? 600_000);

const say = (line: string) => process.stdout.write(`${line}\n`);
let stepNo = 0;
const step = (title: string) => say(`\n==> ${++stepNo}/${STEPS} ${title}`);

class DemoError extends Error {}

/** The platform recorded in .gantry/platform.json when every component is alive; else starts one. */
function ensurePlatform(): PlatformState {
  const pointer = process.env.GANTRY_PLATFORM_STATE ?? currentPlatformFile();
  if (existsSync(pointer)) {
    const state = readState(pointer);
    if (state.components.every((c) => isAlive(c.pid))) {
      say(`    reusing the running platform (state in ${state.stateDir})`);
      return state;
    }
  }
  const up = spawnSync(process.execPath, ['--import', 'tsx', 'test/platform/cli.ts', 'up'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (up.status !== 0) throw new DemoError('the local platform did not start (its messages are above)');
  return readState(currentPlatformFile());
}

/** This checkout's apps/ and environments/, as git tracks them (or as they are on disk, outside git). */
async function sampleContent(): Promise<FixtureFiles> {
  const listed = await simpleGit(REPO_ROOT)
    .raw(['ls-files', '--', 'apps', 'environments'])
    .catch(() => '');
  const paths = listed.split('\n').filter((path) => path && existsSync(join(REPO_ROOT, path)));
  if (paths.length === 0) throw new DemoError(`no apps/ or environments/ found in ${REPO_ROOT}`);
  const files: Record<string, string> = {};
  for (const path of paths) files[path] = await readFile(join(REPO_ROOT, path), 'utf8');
  return files;
}

/** One service process, its output appended to `log`; stopped with SIGTERM at the end. */
function startService(name: string, script: string, env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  child.once('exit', (code, signal) => {
    if (!stopping) say(`    ${name} exited (${signal ?? `code ${code}`}); its log: ${log}`);
  });
  return child;
}
let stopping = false;

async function until<T>(what: string, read: () => Promise<T | undefined>, hint: string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new DemoError(`${what}: not within ${DEADLINE_MS / 1000} s; read ${hint}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The final `deploy/<env>` status of a commit (waits while it is pending or absent). */
async function finalStatus(github: Octokit, repo: string, sha: string, env: string, hint: string) {
  return until(
    `deploy/${env} on ${sha.slice(0, 7)}`,
    async () => {
      const { data } = await github.repos.listCommitStatusesForRef({ owner: OWNER, repo, ref: sha, per_page: 100 });
      const latest = data.filter((s) => s.context === `deploy/${env}`).sort((a, b) => b.id - a.id)[0];
      return latest && latest.state !== 'pending' ? latest : undefined;
    },
    hint,
  );
}

async function checkRunOf(github: Octokit, repo: string, sha: string, env: string) {
  const { data } = await github.checks.listForRef({ owner: OWNER, repo, ref: sha });
  return data.check_runs.find((run) => run.name === `deploy/${env}`);
}

async function main(): Promise<void> {
  step('the local platform');
  const state = ensurePlatform();
  const { kubernetes, redis, github: gh, git: gitPart, registry } = state;
  if (!kubernetes || !redis || !gh || !gitPart || !registry?.baseImage)
    throw new DemoError(
      'the demo needs the platform with kubernetes, redis, github, git and the registry with its base image',
    );
  if (!state.imageAllowlist)
    throw new DemoError(
      'the demo needs nodes strict about images (a platform started without GANTRY_STRICT_IMAGES=0; restart it)',
    );
  say(
    `    nodes strict about images: the local registry, and ${DEFAULT_IMAGE_ALLOWLIST.length} public App Mesh images`,
  );
  const kc = new KubeConfig();
  kc.loadFromFile(kubernetes.kubeconfig);
  const github = new Octokit({ baseUrl: gh.url, auth: gh.token });

  step("a GitOps repository: this checkout's apps/ and environments/");
  const name = `shop-${randomBytes(3).toString('hex')}`;
  const repo: GitFixture = await createGitFixture({
    root: gitPart.root,
    name,
    initialFiles: shortCanaries(await sampleContent()),
  });
  const first = await repo.headSha();
  say(`    ${repo.originDir} (branch main at ${first.slice(0, 7)}), on GitHub as ${OWNER}/${name}`);
  const environments = readEnvironments(new DiskFileSystem(repo.workDir)).map((loaded) => loaded.config);
  for (const env of environments) say(`    environment ${env.name}: follows ${env.branch}, namespace ${env.namespace}`);
  const claims = environments.flatMap((env) =>
    claimsIn(renderKustomization(new DiskFileSystem(repo.workDir), `environments/${env.name}`).objects, env.namespace),
  );
  const traffic = await provisionTraffic(kc, environments);
  say(
    `    canary traffic (the platform team's objects): ${traffic.join(', ') || 'none'}; canary pauses shortened to 3s`,
  );
  const volumes = await provisionVolumes(kc, claims);
  say(
    `    volumes: ${claims.length} claim(s) on the local platform's stand-in for the EBS CSI driver (${volumes.length} new PersistentVolume(s))`,
  );

  step('the webhook service and a worker (npm run webhook, npm run worker)');
  const secret = randomBytes(20).toString('hex');
  const port = await freePort();
  const prefix = `demo-${name}`;
  const webhookLog = join(state.stateDir, `demo-webhook-${name}.log`);
  const workerLog = join(state.stateDir, `demo-worker-${name}.log`);
  const logs = `${webhookLog} and ${workerLog}`;
  const services = [
    startService(
      'webhook',
      'webhook/main.ts',
      { GANTRY_WEBHOOK_SECRET: secret, GANTRY_REDIS_URL: redis.url, PORT: String(port), GANTRY_QUEUE_PREFIX: prefix },
      webhookLog,
    ),
    startService(
      'worker',
      'worker/main.ts',
      {
        GANTRY_REDIS_URL: redis.url,
        GANTRY_QUEUE_PREFIX: prefix,
        KUBECONFIG: kubernetes.kubeconfig,
        GANTRY_GIT_CACHE: join(state.stateDir, `demo-mirrors-${name}`),
        GANTRY_GITHUB_URL: gh.url,
        GANTRY_GITHUB_TOKEN: gh.token,
        // The emulator has no secondary rate limits: no need to space writes a second apart as for github.com.
        GANTRY_GITHUB_WRITE_INTERVAL_MS: '0',
        GANTRY_BUILDER: 'local',
        GANTRY_REGISTRY: registry.host,
        GANTRY_BUILD_BASE_IMAGE: registry.baseImage,
      },
      workerLog,
    ),
  ];
  try {
    const url = `http://127.0.0.1:${port}`;
    await until('the webhook ready', async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), webhookLog);
    say(`    webhook on ${url}/webhooks/github; logs: ${logs}`);

    const push = async (ref: string, before: string, after: string) => {
      const payload = buildPushPayload({
        repository: { owner: OWNER, name, cloneUrl: repo.cloneUrl },
        ref,
        before,
        after,
      });
      const delivery = await deliverWebhook({ url: `${url}/webhooks/github`, secret, event: 'push', payload });
      if (delivery.status !== 202)
        throw new DemoError(`the webhook answered ${delivery.status} ${delivery.body}; read ${webhookLog}`);
      say(
        `    signed push of ${ref.replace('refs/heads/', '')} @ ${after.slice(0, 7)} delivered: ${delivery.status} (delivery ${delivery.deliveryId})`,
      );
    };
    const expectOutcome = async (sha: string, env: string, state: 'success' | 'failure', started: number) => {
      const status = await finalStatus(github, name, sha, env, logs);
      const run = await checkRunOf(github, name, sha, env);
      say(
        `    deploy/${env}: ${status.state}, "${status.description ?? ''}" after ${((Date.now() - started) / 1000).toFixed(1)} s; check run ${run?.conclusion ?? 'missing'}: ${run?.output.title ?? ''}`,
      );
      if (status.state !== state)
        throw new DemoError(`deploy/${env} ended ${status.state}, expected ${state}; read ${workerLog}`);
      return { status, run };
    };
    const following = (branch: string) => environments.filter((env) => env.branch === branch).map((env) => env.name);

    step(`a push to main: ${following('main').join(' and ')} follow it`);
    let started = Date.now();
    await push('refs/heads/main', ZERO_SHA, first);
    for (const env of following('main')) await expectOutcome(first, env, 'success', started);
    // Written by its own job beside the plan: what a branch protection rule can require (README, "Required checks").
    const validate = await until(
      `gantry/validate on ${first.slice(0, 7)}`,
      async () =>
        (await github.checks.listForRef({ owner: OWNER, repo: name, ref: first })).data.check_runs.find(
          (run) => run.name === 'gantry/validate',
        ),
      workerLog,
    );
    say(`    gantry/validate: ${validate.conclusion ?? 'missing'}, ${validate.output.title ?? ''}`);
    const summary = (await checkRunOf(github, name, first, following('main')[0] ?? 'dev'))?.output.summary ?? '';
    say(
      summary
        .split('\n')
        .slice(0, 12)
        .map((line) => `      | ${line}`)
        .join('\n'),
    );

    step('a change to apps/catalog/src: catalog alone is built, and runs by digest');
    const items = await repo.git.show([`HEAD:apps/catalog/src/items.js`]);
    const changed = await repo.commitAndPush('catalog: a source change', {
      // The repository's name makes the change new on every run: a platform reused from an earlier run already
      // holds the image of the same content, and would rightly build nothing.
      'apps/catalog/src/items.js': `${items}\n// changed by the demo (${name}): a new image for catalog, and for no other app\n`,
    });
    started = Date.now();
    // Canary environments walk catalog's steps: each split of the live routes as it happens.
    const stops = await Promise.all(
      environments
        .filter((env) => env.branch === 'main' && env.rollout.strategy === 'canary')
        .map((env) => printRouteWeights(kc, env.namespace, say)),
    );
    await push('refs/heads/main', first, changed);
    try {
      for (const env of following('main')) await expectOutcome(changed, env, 'success', started);
    } finally {
      for (const stop of stops) stop();
    }
    const built = (await github.checks.listForRef({ owner: OWNER, repo: name, ref: changed })).data.check_runs
      .filter((run) => run.name.startsWith('build/'))
      .map((run) => `${run.name} ${run.conclusion ?? run.status}`);
    say(`    built on ${changed.slice(0, 7)}: ${built.join(', ') || 'nothing'}`);
    if (built.join() !== 'build/catalog success')
      throw new DemoError(`expected build/catalog alone; read ${workerLog}`);
    const apps = kc.makeApiClient(AppsV1Api);
    let reference = '';
    for (const env of environments.filter((e) => e.branch === 'main')) {
      const deployment = await apps.readNamespacedDeployment({ name: 'catalog', namespace: env.namespace });
      reference = deployment.spec?.template.spec?.containers[0]?.image ?? '';
      say(`    ${env.name}: catalog runs ${reference}`);
      if (!reference.includes('@sha256:')) throw new DemoError(`catalog in ${env.name} is not pinned by digest`);
    }
    const inspect = spawnSync('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`], {
      encoding: 'utf8',
    });
    if (inspect.status !== 0) throw new DemoError(`skopeo inspect ${reference} failed: ${inspect.stderr}`);
    const image = JSON.parse(inspect.stdout) as { Digest: string; Layers: string[]; Created?: string };
    say(`    skopeo inspect ${reference}:`);
    say(`      | Digest: ${image.Digest}`);
    say(`      | Layers: ${image.Layers.length} (${image.Layers.map((layer) => layer.slice(7, 19)).join(', ')})`);

    step('a pull request into main: dev previewed in a namespace of its own, then closed');
    const previewed = environments.find((env) => env.branch === 'main' && env.preview.enabled);
    if (!previewed) throw new DemoError('no environment following main has preview.enabled in its env.yaml');
    const pullNumber = 1;
    const previewNamespace = `${previewed.preview.namespacePrefix}${pullNumber}`;
    // The preview's claims are the environment's, moved into its namespace: they need volumes too.
    await provisionVolumes(
      kc,
      claims.filter((claim) => claim.namespace === previewed.namespace).map((claim) => ({ ...claim, namespace: previewNamespace })),
    );
    await repo.switchBranch('demo-preview');
    const overlay = `environments/${previewed.name}/kustomization.yaml`;
    const pullHead = await repo.commitAndPush(`${previewed.name}: trace logs for catalog`, {
      [overlay]: (await repo.git.show([`HEAD:${overlay}`])).replace('LOG_LEVEL=debug', 'LOG_LEVEL=trace'),
    });
    await repo.switchBranch('main');
    const pullRequest = async (action: 'opened' | 'closed') => {
      const payload = buildPullRequestPayload({
        repository: { owner: OWNER, name, cloneUrl: repo.cloneUrl },
        action,
        number: pullNumber,
        head: { ref: 'demo-preview', sha: pullHead },
        base: { ref: 'main', sha: changed },
      });
      const delivery = await deliverWebhook({ url: `${url}/webhooks/github`, secret, event: 'pull_request', payload });
      if (delivery.status !== 202)
        throw new DemoError(`the webhook answered ${delivery.status} ${delivery.body}; read ${webhookLog}`);
      say(`    signed pull_request ${action} of #${pullNumber} (demo-preview @ ${pullHead.slice(0, 7)}) delivered: ${delivery.status}`);
    };
    started = Date.now();
    await pullRequest('opened');
    const previewCheck = `preview/${previewed.name}`;
    const previewRun = await until(
      previewCheck,
      async () => {
        const { data } = await github.checks.listForRef({ owner: OWNER, repo: name, ref: pullHead });
        return data.check_runs.find((run) => run.name === previewCheck && run.status === 'completed');
      },
      logs,
    );
    say(
      `    ${previewCheck}: ${previewRun.conclusion ?? ''} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${previewRun.output.title ?? ''}`,
    );
    if (previewRun.conclusion !== 'success') throw new DemoError(`${previewCheck} ended ${previewRun.conclusion}; read ${workerLog}`);
    // The pull request's one comment: the preview's state, namespace and in-cluster URLs, then the diffs.
    const comment = await until(
      'the pull request comment',
      async () => {
        const { data } = await github.issues.listComments({ owner: OWNER, repo: name, issue_number: pullNumber });
        return data.find((c) => c.body?.includes('**healthy**'));
      },
      logs,
    );
    for (const line of (comment.body ?? '').split('\n').filter((l) => l.includes('Preview `') || l.includes('.svc.cluster.local')))
      say(`      | ${line}`);
    const core = kc.makeApiClient(CoreV1Api);
    started = Date.now();
    await pullRequest('closed');
    await until(
      `namespace ${previewNamespace} deleted`,
      () => core.readNamespace({ name: previewNamespace }).then(() => undefined, (error: { code?: number }) => (error.code === 404 ? true : undefined)),
      logs,
    );
    say(`    namespace ${previewNamespace} gone after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    step("a bad change in dev: storefront's new pods never become Ready");
    const bad = await repo.commitAndPush(
      'dev: storefront pods that never become Ready',
      badRollout(await repo.git.show([`HEAD:environments/dev/kustomization.yaml`])),
    );
    started = Date.now();
    await push('refs/heads/main', changed, bad);
    const { status } = await expectOutcome(bad, 'dev', 'failure', started);
    if (!status.description?.includes(`rolled back to ${changed.slice(0, 7)}`)) {
      throw new DemoError(
        `deploy/dev failed but does not say it rolled back to ${changed.slice(0, 7)}; read ${workerLog}`,
      );
    }

    step("promotion: main's last good commit pushed to release, which production follows");
    await repo.git.push(['origin', `${first}:refs/heads/release`]);
    started = Date.now();
    await push('refs/heads/release', ZERO_SHA, first);
    for (const env of following('release')) await expectOutcome(first, env, 'success', started);
    // The test run's platform allows more images than the default (made-up ones tests deploy unbuilt): the demo
    // proves that it needs nothing beyond the local registry and the default allow-list.
    const pods = (
      await Promise.all(environments.map((env) => core.listNamespacedPod({ namespace: env.namespace })))
    ).flatMap((list) => list.items);
    const images = [
      ...new Set(
        pods.flatMap((pod) =>
          [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.image ?? ''),
        ),
      ),
    ];
    const beyond = await firstMissingImage(images, { registry: registry.host, allow: DEFAULT_IMAGE_ALLOWLIST });
    if (beyond)
      throw new DemoError(`${beyond} runs, but neither the local registry nor the default allow-list holds it`);
    say(`    ${pods.length} pods on ${images.length} images, each in the local registry or the default allow-list`);

    step('gantry status and gantry history --env dev, against the same cluster');
    const cli = ['--kubeconfig', kubernetes.kubeconfig, '--repo', repo.workDir];
    const io = { stdout: (text: string) => process.stdout.write(text), stderr: () => undefined, cwd: repo.workDir };
    if ((await dispatch(['status', ...cli], io)) !== 0) throw new DemoError('gantry status failed');
    if ((await dispatch(['history', '--env', 'dev', ...cli], io)) !== 0) throw new DemoError('gantry history failed');
  } finally {
    stopping = true;
    for (const service of services) service.kill('SIGTERM');
    await Promise.all(
      services.map(
        (service) =>
          new Promise((resolve) => (service.exitCode !== null ? resolve(null) : service.once('exit', resolve))),
      ),
    );
  }

  say(`\nDone. The platform keeps running; explore it:`);
  say(`  export KUBECONFIG=${kubernetes.kubeconfig}`);
  say(`  node --import tsx cli/main.ts status --repo ${repo.workDir}`);
  say(`  node --import tsx cli/main.ts diff --env dev --repo ${repo.workDir}`);
  say(`  GitHub emulator: ${gh.url}/repos/${OWNER}/${name}/commits/${first}/statuses`);
  say(`  logs: ${logs}`);
}

/**
 * The dev overlay with one more patch: storefront's pod template labelled `gantry.dev/simulate: never-ready` (the
 * local platform's kwok stages keep such pods unready) and a 15 s progress deadline, so the rollout fails fast.
 */
function badRollout(kustomization: string): FixtureFiles {
  const patch = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: storefront',
    'spec:',
    '  progressDeadlineSeconds: 15',
    '  template:',
    '    metadata:',
    '      labels:',
    '        gantry.dev/simulate: never-ready',
    '',
  ].join('\n');
  if (!/^patches:\s*$/m.test(kustomization))
    throw new DemoError('environments/dev/kustomization.yaml has no patches: list to extend');
  return {
    'environments/dev/patches/demo-never-ready.yaml': patch,
    'environments/dev/kustomization.yaml': kustomization.replace(
      /^patches:\s*$/m,
      'patches:\n  - path: patches/demo-never-ready.yaml',
    ),
  };
}

try {
  await main();
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
