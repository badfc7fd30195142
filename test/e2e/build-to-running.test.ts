// Issue 8's proof through the whole pipeline with the local builder (buildah → the platform's registry): a push
// that brings catalog's sources builds catalog once and runs it by digest; an overlay-only push and a push of the
// same content on a new commit build nothing; a Dockerfile whose RUN step fails deploys nothing and says so.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { need, uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import { VALIDATE_CHECK } from '../../core/report/validate-report.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  OWNER,
  sampleAppFiles,
  startPipeline,
  statusStates,
  type Pipeline,
} from './pipeline-kit.js';

const run = promisify(execFile);
// A cold buildah build on the loaded two-core machine copies the base's file system per step (vfs): minutes.
const BUILD_MS = 600_000;

describe('image builds through the pipeline: push → build → deployed by digest', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let storageDir: string;
  let name: string;

  beforeAll(async () => {
    const registry = need('registry');
    if (registry.baseImage === undefined) throw new Error('the platform pushed no base image; restart it');
    storageDir = mkdtempSync(join(tmpdir(), 'gantry-e2e-buildah-'));
    kit = await openWorkerKit();
    pipeline = await startPipeline({
      build: {
        builder: 'local',
        local: {
          registry: registry.host,
          insecure: true,
          baseImage: registry.baseImage,
          storageDir,
          concurrency: 1,
          buildah: 'buildah',
        },
        concurrency: 1,
        timeoutMs: BUILD_MS,
      },
    });
    repo = await createTestRepo('e2e-build');
    name = uniqueName('shop');
    // Tags are content addresses shared by every repository on the registry: without a file of its own, catalog's
    // sources here are the demo test's, and whichever runs second found its image already built (no build/catalog).
    await repo.git.writeFiles({ ...(await sampleAppFiles('catalog')), 'apps/catalog/src/build-id.txt': `${name}\n` });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
    rmSync(storageDir, { recursive: true, force: true });
  });

  const checkRuns = async (sha: string) =>
    (await pipeline.github.checks.listForRef({ owner: OWNER, repo: name, ref: sha })).data.check_runs;
  const catalogImage = async () => {
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    const spec = deployment?.['spec'] as { template: { spec: { containers: { image: string }[] } } } | undefined;
    return spec?.template.spec.containers[0]?.image;
  };
  const deployed = (sha: string) =>
    eventually(
      () => statusStates(pipeline.github, name, sha, `deploy/${ENV}`),
      (s) => s.some((state) => state !== 'pending'),
      BUILD_MS,
    );

  let firstImage: string | undefined;

  it(
    'builds catalog from its sources and runs it by digest; the release and build/catalog check name the image',
    async () => {
      const sha = await repo.commit('catalog with its sources');
      expect((await deliverPush(pipeline, repo, name, ZERO_SHA, sha)).status).toBe(202);

      expect(await deployed(sha)).toEqual(['pending', 'success']);
      const image = await catalogImage();
      expect(image).toMatch(new RegExp(`^${need('registry').host}/shop/catalog@sha256:[0-9a-f]{64}$`));
      const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${image}`]);
      const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[] };
      expect(image?.endsWith(inspected.Digest)).toBe(true);
      expect(inspected.Layers.length).toBeGreaterThan(1);
      const runs = await checkRuns(sha);
      const build = runs.find((check) => check.name === 'build/catalog');
      expect(build).toMatchObject({ status: 'completed', conclusion: 'success' });
      expect(build?.output.summary).toContain(image);
      const [release] = await kit.releases(repo.namespace).list();
      expect(release?.images).toEqual([{ name: 'shop/catalog', reference: image }]);
      firstImage = image;
    },
    BUILD_MS + 60_000,
  );

  it(
    'an overlay-only push, and the same content on a new commit, build nothing and keep the digest',
    async () => {
      const overlayOnly = await repo.commit('a feature flag', { featureFlags: true });
      expect((await deliverPush(pipeline, repo, name, ZERO_SHA, overlayOnly)).status).toBe(202);
      expect(await deployed(overlayOnly)).toEqual(['pending', 'success']);
      await repo.git.writeFiles({ 'README.md': 'only documentation changed\n' });
      const sameContent = await repo.commit('docs only', { featureFlags: true });
      expect((await deliverPush(pipeline, repo, name, overlayOnly, sameContent)).status).toBe(202);
      expect(await deployed(sameContent)).toEqual(['pending', 'success']);

      expect(await catalogImage()).toBe(firstImage);
      for (const sha of [overlayOnly, sameContent])
        expect((await completedCheckRuns(pipeline.github, name, sha, [`deploy/${ENV}`, VALIDATE_CHECK])).map((check) => check.name).sort()).toEqual([
          `deploy/${ENV}`,
          VALIDATE_CHECK,
        ]);
    },
    BUILD_MS,
  );

  it(
    'a failing RUN step deploys nothing: build/catalog fails with the log tail, deploy/dev names the build',
    async () => {
      const dockerfile = (await sampleAppFiles('catalog'))['apps/catalog/Dockerfile'] ?? '';
      await repo.git.writeFiles({
        'apps/catalog/Dockerfile': dockerfile.replace(
          'COPY src ./src',
          'COPY src ./src\nRUN echo "broken step" && exit 3',
        ),
      });
      const sha = await repo.commit('a RUN step that fails', { featureFlags: true });
      expect((await deliverPush(pipeline, repo, name, ZERO_SHA, sha)).status).toBe(202);

      expect(await deployed(sha)).toEqual(['pending', 'failure']);
      const { data } = await pipeline.github.repos.listCommitStatusesForRef({ owner: OWNER, repo: name, ref: sha });
      const failure = data.find((status) => status.context === `deploy/${ENV}` && status.state === 'failure');
      expect(failure?.description).toMatch(/build of catalog/);
      const build = (await checkRuns(sha)).find((check) => check.name === 'build/catalog');
      expect(build).toMatchObject({ status: 'completed', conclusion: 'failure' });
      expect(build?.output.summary).toContain('broken step');
      expect(await catalogImage()).toBe(firstImage);
    },
    BUILD_MS,
  );
});
