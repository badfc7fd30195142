// The local image builder: buildah (vfs storage, chroot isolation, as root) building a context read from git
// objects and pushing it to the local platform's OCI registry. buildah runs without a daemon, and Debian's package
// works in containers and CI machines without user namespaces, which is why it, not Docker or BuildKit, is here.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeployError } from '../../core/deploy-error.js';
import type { BuildFailure, BuildRequest, BuiltImage, ImageBuilder } from '../../core/ports/image-builder.js';
import { Reason } from '../../core/reasons.js';
import type { BuildahConfig } from './buildah-config.js';
import { classifyBuildOutput } from './classify-build-output.js';
import { manifestDigest, parseImageReference, type RegistryEndpoint } from './manifest-digest.js';
import { lastLines, runCommand, type CommandResult } from './run-command.js';
import { buildFailed, unpackContext } from './unpack-context.js';
import { createSlots } from './slots.js';

/** The build argument through which Dockerfiles take their base (`ARG BASE_IMAGE=<public image>` + `FROM ${BASE_IMAGE}`). */
export const BASE_IMAGE_ARG = 'BASE_IMAGE';

/**
 * A builder over buildah and the registry in `config`. Resolves the base image to its digest first: builds use it by
 * digest, and the digest is part of the fingerprint, so a new base image changes every content tag.
 *
 * @throws DeployError RegistryUnavailable when the registry does not answer; InvalidConfig when buildah is not
 *   installed or the base image is not in the registry
 */
export async function createBuildahBuilder(config: BuildahConfig): Promise<ImageBuilder> {
  const registry: RegistryEndpoint = { host: config.registry, insecure: config.insecure };
  const base = parseImageReference(config.baseImage);
  const baseDigest = base.reference.startsWith('sha256:')
    ? base.reference
    : await manifestDigest(registry, base.repository, base.reference);
  if (!baseDigest)
    throw new DeployError(
      Reason.InvalidConfig,
      `GANTRY_BUILD_BASE_IMAGE ${config.baseImage} is not in the registry (the local platform pushes its base image at start: \`npm run platform -- status\` names it)`,
    );
  const baseImage = `${base.host}/${base.repository}@${baseDigest}`;
  const version = await buildahVersion(config.buildah);
  const env = { ...process.env, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' };
  const storage = [
    '--root',
    join(config.storageDir, 'root'),
    '--runroot',
    join(config.storageDir, 'run'),
    '--storage-driver',
    'vfs',
  ];
  const tls = `--tls-verify=${String(!config.insecure)}`;
  const slots = createSlots(config.concurrency);
  await mkdir(join(config.storageDir, 'contexts'), { recursive: true });

  const find = async (repository: string, tag: string, signal?: AbortSignal): Promise<BuiltImage | undefined> => {
    const digest = await manifestDigest(registry, repository, tag, signal);
    return digest ? { repository: `${config.registry}/${repository}`, tag, digest } : undefined;
  };

  const buildah = (args: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> =>
    runCommand(config.buildah, [...storage, ...args], { env, timeoutMs: Math.max(timeoutMs, 1), signal });

  const build = async (request: BuildRequest, signal?: AbortSignal): Promise<BuiltImage> => {
    const existing = await find(request.repository, request.tag, signal);
    if (existing) return existing;
    return slots.run(async () => {
      // Another build of the same content tag may have finished while this one waited for its turn.
      const pushed = await find(request.repository, request.tag, signal);
      if (pushed) return pushed;
      const target = `${config.registry}/${request.repository}:${request.tag}`;
      const deadline = Date.now() + request.timeoutMs;
      const dir = await mkdtemp(join(config.storageDir, 'contexts', 'build-'));
      try {
        await unpackContext(await request.context(), dir, request.dockerfile, target);
        const buildArgs = Object.entries({ ...request.buildArgs, [BASE_IMAGE_ARG]: baseImage }).flatMap(([k, v]) => [
          '--build-arg',
          `${k}=${v}`,
        ]);
        // --layers keeps every step's result in the storage, so a source-only change rebuilds from the first COPY
        // it touches; --timestamp 0 makes identical inputs give identical layers and digests.
        const bud = await buildah(
          [
            'bud',
            '--layers',
            '--timestamp',
            '0',
            tls,
            '--isolation',
            'chroot',
            '-f',
            join(dir, request.dockerfile),
            '-t',
            target,
            ...buildArgs,
            dir,
          ],
          deadline - Date.now(),
          signal,
        );
        check(bud, target, request, baseImage, signal);
        const digestFile = join(dir, '.gantry-digest');
        const push = await buildah(
          ['push', tls, '--digestfile', digestFile, target, `docker://${target}`],
          deadline - Date.now(),
          signal,
        );
        check(push, target, request, baseImage, signal);
        const digest = (await readFile(digestFile, 'utf8')).trim();
        return { repository: `${config.registry}/${request.repository}`, tag: request.tag, digest };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, signal);
  };

  return Object.freeze({ fingerprint: `buildah ${version}; base ${baseImage}`, find, build });
}

/** Throws the DeployError a failed buildah run stands for; returns when it succeeded. */
function check(
  result: CommandResult,
  target: string,
  request: BuildRequest,
  baseImage: string,
  signal?: AbortSignal,
): void {
  if (result.stopped === 'aborted') throw signal?.reason ?? new Error(`${target}: build aborted`);
  const logTail = lastLines(result.output);
  if (result.stopped === 'timeout') {
    const message = `${target}: build stopped at its timeout of ${Math.round(request.timeoutMs / 1000)} s`;
    const failure: BuildFailure = { reason: Reason.BuildTimedOut, message, logTail };
    throw new DeployError(Reason.BuildTimedOut, message, { cause: failure });
  }
  if (result.code === 0) return;
  const verdict = classifyBuildOutput(result.output, baseImage);
  if (verdict.reason === Reason.BuildFailed) throw buildFailed(`${target}: ${verdict.message}`, logTail);
  const failure: BuildFailure = { reason: verdict.reason, message: `${target}: ${verdict.message}`, logTail };
  throw new DeployError(verdict.reason, failure.message, { cause: failure });
}

async function buildahVersion(command: string): Promise<string> {
  const result = await runCommand(command, ['--version']).catch(() => undefined);
  const version = result?.code === 0 ? /version (\S+)/.exec(result.output)?.[1] : undefined;
  if (!version)
    throw new DeployError(
      Reason.InvalidConfig,
      `${command} is not installed or does not run: apt-get install buildah (or run scripts/setup.sh)`,
    );
  return version;
}
