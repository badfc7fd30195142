// The local builder's settings, read once from the environment (or given by code). Messages name the variable at
// fault; none of these values is a secret.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

/** What {@link createBuildahBuilder} needs. */
export interface BuildahConfig {
  /** `GANTRY_REGISTRY`: `host:port` of the OCI registry images are pushed to (the local platform's registry). */
  readonly registry: string;
  /**
   * `GANTRY_REGISTRY_INSECURE`: talk plain HTTP and skip TLS verification. Default: true for a loopback registry
   * (`127.0.0.1`, `localhost`, `[::1]`), false otherwise.
   */
  readonly insecure: boolean;
  /**
   * `GANTRY_BUILD_BASE_IMAGE`: the base image every build gets as `--build-arg BASE_IMAGE=…`, in the same registry
   * (the local platform pushes `<registry>/gantry/base/node:18-bookworm`). Resolved to its digest at start.
   */
  readonly baseImage: string;
  /** `GANTRY_BUILD_STORAGE`: buildah's storage (the layer cache), kept between builds. Default `~/.cache/gantry/buildah`. */
  readonly storageDir: string;
  /** `GANTRY_BUILD_CONCURRENCY`: builds run at once by this process; more wait their turn. Default 2. */
  readonly concurrency: number;
  /** `GANTRY_BUILDAH`: the buildah command. Default `buildah` (on PATH). */
  readonly buildah: string;
}

/** The local builder's configuration is unusable; terminal, and the message lists each variable and what to set. */
export class BuildahConfigError extends DeployError {
  override readonly name = 'BuildahConfigError';

  constructor(readonly problems: readonly string[]) {
    super(
      Reason.InvalidConfig,
      `the local builder's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

const text = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

const schema = z.object({
  GANTRY_REGISTRY: text
    .refine((v) => v !== undefined, {
      error: 'is not set: set it to the registry host:port, for example 127.0.0.1:5000',
    })
    .refine((v) => v === undefined || HOST.test(v), {
      error: 'must be a registry host[:port] without a scheme or a path, for example 127.0.0.1:5000',
    }),
  GANTRY_REGISTRY_INSECURE: z.enum(['', 'true', 'false', '1', '0']).optional(),
  GANTRY_BUILD_BASE_IMAGE: text.refine((v) => v !== undefined, {
    error: 'is not set: set it to the base image in that registry (`npm run platform -- status` prints it)',
  }),
  GANTRY_BUILD_STORAGE: text,
  GANTRY_BUILD_CONCURRENCY: text.refine((v) => v === undefined || /^[1-9]\d*$/.test(v), {
    error: 'must be a whole number ≥ 1',
  }),
  GANTRY_BUILDAH: text,
});

/**
 * Reads the local builder's settings from the environment.
 * @throws BuildahConfigError naming each variable at fault
 */
export function readBuildahConfig(env: NodeJS.ProcessEnv = process.env): BuildahConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new BuildahConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  const vars = parsed.data;
  const registry = vars.GANTRY_REGISTRY ?? '';
  const baseImage = vars.GANTRY_BUILD_BASE_IMAGE ?? '';
  if (!baseImage.startsWith(`${registry}/`))
    throw new BuildahConfigError([
      `GANTRY_BUILD_BASE_IMAGE must be an image in GANTRY_REGISTRY (${registry}/…), since builds here cannot pull from elsewhere`,
    ]);
  const insecure = vars.GANTRY_REGISTRY_INSECURE;
  return Object.freeze({
    registry,
    insecure:
      insecure === undefined || insecure === '' ? isLoopback(registry) : insecure === 'true' || insecure === '1',
    baseImage,
    storageDir: vars.GANTRY_BUILD_STORAGE ?? join(homedir(), '.cache', 'gantry', 'buildah'),
    concurrency: vars.GANTRY_BUILD_CONCURRENCY === undefined ? 2 : Number(vars.GANTRY_BUILD_CONCURRENCY),
    buildah: vars.GANTRY_BUILDAH ?? 'buildah',
  });
}

function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}
