// The payload of a `build` job (one image at one content tag), and how a deploy job names the builds it waits for.
import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-digit lowercase hex commit id' });
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: 'must be an OCI tag' });
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'must be sha256: and 64 hex digits' });

/** An image in a registry, pinned by digest (core's BuiltImage). */
export const builtImageSchema = z.object({ repository: z.string().min(1), tag, digest });

/** A build job as stored in Redis. */
export const buildJobSchema = z.object({
  app: z.string().min(1),
  image: z.string().min(1),
  /** app.yaml's repository (`shop/catalog`). */
  repository: z.string().min(1),
  tag,
  /** The repository to read the sources from, and the commit that first asked for this tag. */
  repo: z.object({ owner: z.string().min(1), name: z.string().min(1), cloneUrl: z.string().min(1) }),
  sha,
  /** Repository-relative context directory. */
  context: z.string(),
  /** The Dockerfile inside the context. */
  dockerfile: z.string().min(1),
  buildArgs: z.record(z.string(), z.string()),
  /** The check run reporting it: `build/<app>`, or `build/<app>/<image>` for an app with several images. */
  checkName: z.string().min(1),
  /** The delivery that first asked for it, for logs. */
  deliveryId: z.string().min(1),
});

/** One image to build at one content tag. */
export type BuildJob = z.infer<typeof buildJobSchema>;

/** One image a deploy job needs: already in the registry (`built`), or waiting for build job `jobId`. */
export const buildRefSchema = z.union([
  z.object({
    app: z.string().min(1),
    image: z.string().min(1),
    repository: z.string().min(1),
    tag,
    built: builtImageSchema,
  }),
  z.object({
    app: z.string().min(1),
    image: z.string().min(1),
    repository: z.string().min(1),
    tag,
    jobId: z.string().min(1),
  }),
]);

/** What a deploy job knows of one image it needs. */
export type BuildRef = z.infer<typeof buildRefSchema>;

/**
 * The build job's id: repository and content tag, so every commit and environment needing the same content adds
 * the same job, which BullMQ stores once. `/` becomes `+` (neither can appear in a tag, and BullMQ ids may not
 * hold `:`).
 */
export function buildJobId(repository: string, contentTag: string): string {
  return `${repository.replaceAll('/', '+')}.${contentTag}`;
}
