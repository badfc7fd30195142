import { z } from 'zod';

const branch = z.object({ ref: z.string().min(1), sha: z.string().regex(/^[0-9a-f]{40}$/i, 'a 40-hex commit sha') });

/** `POST /_emulator/pulls`: a pull request to seed. */
export const SeedPullInput = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  number: z.number().int().positive(),
  head: branch,
  base: branch,
  state: z.enum(['open', 'closed']).default('open'),
  merged: z.boolean().default(false),
  draft: z.boolean().default(false),
  title: z.string().default('Seeded pull request'),
  body: z.string().nullable().default(null),
  author: z.string().min(1).optional(),
});
export type SeedPullInput = z.input<typeof SeedPullInput>;

/** `POST /_emulator/repos`: a repository with a non-default default branch. */
export const SeedRepoInput = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  defaultBranch: z.string().min(1).default('main'),
});
export type SeedRepoInput = z.input<typeof SeedRepoInput>;

/** `POST /_emulator/apps`: a GitHub App whose JWTs to accept. */
export const RegisterAppInput = z.object({
  appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
  publicKeyPem: z.string().includes('PUBLIC KEY'),
  slug: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  owner: z.string().min(1).default('gantry'),
});
export type RegisterAppInput = z.input<typeof RegisterAppInput>;

/** `POST /_emulator/webhooks`: one delivery. */
export const DeliverWebhookInput = z.object({
  url: z.url(),
  secret: z.string().min(1),
  event: z.string().min(1),
  payload: z.record(z.string(), z.unknown()),
  deliveryId: z.uuid().optional(),
});
export type DeliverWebhookInput = z.input<typeof DeliverWebhookInput>;

/** `POST /_emulator/faults`: answer the next `count` matching requests with a failure instead of serving them. */
export const InjectFaultInput = z.object({
  count: z.number().int().positive(),
  /** 4xx or 5xx, e.g. 502, 403 with a rate-limit message, 429. */
  status: z.number().int().min(400).max(599),
  /** GitHub's error `message` (its rate-limit wording is what clients recognise). */
  message: z.string().default('Service Unavailable'),
  /** Replace the emulator's defaults, e.g. `retry-after`, `x-ratelimit-remaining`, `x-ratelimit-reset`. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Only requests with this method (upper case). */
  method: z
    .string()
    .regex(/^[A-Z]+$/, 'an upper-case HTTP method')
    .optional(),
  /** Only requests whose path (without `/api/v3` and the query) matches this regular expression. */
  path: z
    .string()
    .refine((source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    }, 'a regular expression')
    .optional(),
});
export type InjectFaultInput = z.input<typeof InjectFaultInput>;
