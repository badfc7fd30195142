import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createBuildahBuilder, type BuildahConfig } from '../../../adapters/registry/index.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { BuildFailure, BuildRequest, ImageBuilder } from '../../../core/ports/image-builder.js';
import { Reason } from '../../../core/reasons.js';
import { need, uniqueName } from '../../platform/connect.js';
import { freePort } from '../../platform/ports.js';
import { REPO_ROOT } from '../../platform/paths.js';
import { contextArchive, type ContextEdits } from './context-archive.js';

const run = promisify(execFile);
// A cold build copies the base's root file system once per step (vfs storage) and can take minutes on a loaded
// two-core machine; the builds here share one layer cache, so only the first ones are slow.
const BUILD_TIMEOUT_MS = 600_000;
const CATALOG = join(REPO_ROOT, 'apps', 'catalog');

interface Inspected {
  Digest: string;
  Layers: string[];
}

async function skopeoInspect(image: string, config = false): Promise<Record<string, unknown>> {
  const args = ['inspect', '--tls-verify=false', ...(config ? ['--config'] : []), `docker://${image}`];
  return JSON.parse((await run('skopeo', args)).stdout) as Record<string, unknown>;
}

/** What a failed build rejected with, checked to be a DeployError carrying a BuildFailure. */
async function failureOf(promise: Promise<unknown>): Promise<{ error: DeployError; failure: BuildFailure }> {
  const error = await promise.then(
    () => {
      throw new Error('the build succeeded; it should have failed');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DeployError);
  const failure = (error as DeployError).cause as BuildFailure;
  expect(failure.reason).toBe((error as DeployError).reason);
  return { error: error as DeployError, failure };
}

describe('the buildah builder against the local registry', () => {
  let storageDir: string;
  let config: BuildahConfig;
  let builder: ImageBuilder;

  beforeAll(async () => {
    const registry = need('registry');
    storageDir = mkdtempSync(join(tmpdir(), 'gantry-buildah-'));
    config = {
      registry: registry.host,
      insecure: true,
      baseImage: registry.baseImage,
      storageDir,
      concurrency: 2,
      buildah: 'buildah',
    };
    builder = await createBuildahBuilder(config);
  });
  afterAll(() => rmSync(storageDir, { recursive: true, force: true, maxRetries: 5 }));

  const request = (repository: string, context: Buffer, overrides: Partial<BuildRequest> = {}): BuildRequest => ({
    app: 'catalog',
    repository,
    tag: uniqueName('t'),
    context: () => Promise.resolve(context),
    dockerfile: 'Dockerfile',
    buildArgs: {},
    timeoutMs: 300_000,
    ...overrides,
  });
  const catalogWith = (edits: ContextEdits) => contextArchive(CATALOG, edits);

  it(
    'builds catalog from a tar of apps/catalog, pushes it with its layers and config, and finds it afterwards',
    async () => {
      const repository = uniqueName('shop/catalog');
      const req = request(repository, contextArchive(CATALOG));
      expect(await builder.find(repository, req.tag)).toBeUndefined();

      const built = await builder.build(req);

      expect(built).toEqual({
        repository: `${config.registry}/${repository}`,
        tag: req.tag,
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      const image = `${built.repository}:${built.tag}`;
      const inspected = (await skopeoInspect(image)) as unknown as Inspected;
      expect(inspected.Digest).toBe(built.digest);
      const base = (await skopeoInspect(need('registry').baseImage)) as unknown as Inspected;
      // The base's layer first, then what catalog's Dockerfile added.
      expect(inspected.Layers[0]).toBe(base.Layers[0]);
      expect(inspected.Layers.length).toBeGreaterThan(1);
      const { config: imageConfig } = (await skopeoInspect(image, true)) as {
        config: { Cmd: string[]; User: string; WorkingDir: string; Env: string[] };
      };
      expect(imageConfig.Cmd).toEqual(['node', 'src/server.js']);
      expect(imageConfig.User).toBe('1000:1000');
      expect(imageConfig.WorkingDir).toBe('/app');
      expect(imageConfig.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'PORT=8080']));
      expect(await builder.find(repository, req.tag)).toEqual(built);
      // The same tag again is the registry's image, not a second build.
      expect(
        await builder.build({ ...req, context: () => Promise.reject(new Error('read the context of a cached build')) }),
      ).toEqual(built);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'rebuilds only the layer a source-only change touches, reusing the others from its layer cache',
    async () => {
      const repository = uniqueName('shop/catalog');
      const first = await builder.build(request(repository, contextArchive(CATALOG)));
      const second = await builder.build(
        request(repository, catalogWith({ files: { 'src/items.js': 'export const items = [];\n' } })),
      );
      const layersOf = async (digest: string) =>
        ((await skopeoInspect(`${first.repository}@${digest}`)) as unknown as Inspected).Layers;
      const [before, after] = await Promise.all([layersOf(first.digest), layersOf(second.digest)]);
      expect(second.digest).not.toBe(first.digest);
      expect(after).toHaveLength(before.length);
      // Every layer is the same blob except the one `COPY src ./src` made.
      const changed = after.filter((layer, i) => layer !== before[i]);
      expect(changed).toHaveLength(1);
    },
    BUILD_TIMEOUT_MS,
  );

  it('fails a build whose RUN step fails with BuildFailed, naming the step, with the log tail', async () => {
    const dockerfile =
      'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo "compiling"; echo "src/server.js:3: unexpected token" >&2; exit 3\n';
    const { error, failure } = await failureOf(
      builder.build(
        request(uniqueName('shop/broken'), contextArchive(undefined, { files: { Dockerfile: dockerfile } })),
      ),
    );
    expect(error.reason).toBe(Reason.BuildFailed);
    expect(error.terminal).toBe(true);
    expect(error.message).toMatch(/step RUN echo "compiling".* failed with exit status 3/);
    expect(failure.logTail).toContain('src/server.js:3: unexpected token');
  });

  it.each<[string, ContextEdits, string, RegExp]>([
    [
      'a missing Dockerfile',
      { files: { 'src/a.js': '1' } },
      'Dockerfile',
      /Dockerfile Dockerfile is not in the build context/,
    ],
    [
      'a Dockerfile path leaving the context',
      { files: { Dockerfile: 'FROM x' } },
      '../Dockerfile',
      /Dockerfile path \.\.\/Dockerfile leaves the build context/,
    ],
    [
      'a symlink leaving the context',
      { files: { Dockerfile: 'FROM x' }, symlinks: { 'src-link': '../../../etc' } },
      'Dockerfile',
      /symlink src-link -> \.\.\/\.\.\/\.\.\/etc leaves the build context/,
    ],
    [
      'an absolute symlink',
      { files: { Dockerfile: 'FROM x' }, symlinks: { passwd: '/etc/passwd' } },
      'Dockerfile',
      /symlink passwd -> \/etc\/passwd leaves the build context/,
    ],
    [
      'a context path climbing out with ..',
      { files: { Dockerfile: 'FROM x', evil: 'x' } },
      'Dockerfile',
      /build context path \.\.\/evil leaves the context/,
    ],
    [
      'a Dockerfile syntax error',
      { files: { Dockerfile: 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nFORM other\n' } },
      'Dockerfile',
      /Dockerfile syntax error: unknown instruction FORM/,
    ],
  ])('refuses %s with a clear BuildFailed message', async (_name, edits, dockerfile, message) => {
    const context = contextArchive(
      undefined,
      edits.files?.evil ? { ...edits, rename: 's,^\\./evil$,../evil,' } : edits,
    );
    const { error } = await failureOf(builder.build(request(uniqueName('shop/bad'), context, { dockerfile })));
    expect(error.reason).toBe(Reason.BuildFailed);
    expect(error.message).toMatch(message);
  });

  it('fails a Dockerfile whose base image the registry does not hold with BuildFailed naming the image', async () => {
    const missing = `${config.registry}/gantry/base/missing:1`;
    const { error } = await failureOf(
      builder.build(
        request(
          uniqueName('shop/nobase'),
          contextArchive(undefined, { files: { Dockerfile: `FROM ${missing}\nRUN true\n` } }),
        ),
      ),
    );
    expect(error.reason).toBe(Reason.BuildFailed);
    expect(error.message).toContain(`base image ${missing} is not in the registry`);
  });

  it('stops a build at its timeout with BuildTimedOut', async () => {
    const dockerfile = 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo started; sleep 120\n';
    const started = Date.now();
    const { error, failure } = await failureOf(
      builder.build(
        request(uniqueName('shop/slow'), contextArchive(undefined, { files: { Dockerfile: dockerfile } }), {
          timeoutMs: 8_000,
        }),
      ),
    );
    expect(error.reason).toBe(Reason.BuildTimedOut);
    expect(error.message).toMatch(/build stopped at its timeout of 8 s/);
    expect(failure.logTail).toContain('started');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('stops a build when its signal aborts, rejecting with the abort reason', async () => {
    const controller = new AbortController();
    const dockerfile = 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 120\n';
    const building = builder.build(
      request(uniqueName('shop/aborted'), contextArchive(undefined, { files: { Dockerfile: dockerfile } })),
      controller.signal,
    );
    const reason = new Error('superseded by a newer commit');
    setTimeout(() => controller.abort(reason), 3_000).unref();
    await expect(building).rejects.toBe(reason);
  });

  it('reports RegistryUnavailable, retryable, when the registry does not answer', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const base = (await skopeoInspect(need('registry').baseImage)) as unknown as Inspected;
    const offline = await createBuildahBuilder({
      ...config,
      registry: down,
      baseImage: `${down}/gantry/base/node@${base.Digest}`,
    });
    const error = await offline.build(request('shop/catalog', contextArchive(CATALOG))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).reason).toBe(Reason.RegistryUnavailable);
    expect((error as DeployError).terminal).toBe(false);
    expect((error as DeployError).message).toContain(`${down}/shop/catalog`);
    await expect(
      createBuildahBuilder({ ...config, registry: down, baseImage: `${down}/gantry/base/node:18-bookworm` }),
    ).rejects.toMatchObject({
      reason: Reason.RegistryUnavailable,
    });
  });
});
