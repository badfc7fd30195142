import { createPublicKey } from 'node:crypto';
import type { z } from 'zod';
import {
  DeliverWebhookInput,
  InjectFaultInput,
  RegisterAppInput,
  SeedPullInput,
  SeedRepoInput,
} from './admin-schemas.js';
import type { EmulatorContext, IncomingCall, OutgoingResponse } from './emulator-context.js';
import { isoNow, repoKey } from './emulator-state.js';
import { HANDLERS } from './handlers/index.js';
import { buildPullRequest } from './objects/build-pull-request.js';
import { buildRepository } from './objects/build-repository.js';
import { deliverWebhook } from './webhooks/deliver-webhook.js';

/** Everything under this prefix is the emulator's own API for tests, not GitHub's. */
export const ADMIN_PREFIX = '/_emulator/';

/**
 * The test-facing admin API: read and clear the call log, seed pull requests and repositories, register GitHub
 * Apps, deliver webhooks, inject failures, reset. Bad input answers 400 with zod's account of what is wrong.
 */
export async function handleAdminCall(context: EmulatorContext, call: IncomingCall): Promise<OutgoingResponse> {
  const route = `${call.method} ${call.path.slice(ADMIN_PREFIX.length - 1)}`;
  switch (route) {
    case 'GET /health':
      return {
        status: 200,
        body: {
          ok: true,
          description: `@octokit/openapi ${context.description.version}`,
          operations: context.description.operations.length,
          implemented: [...HANDLERS.keys()],
        },
      };
    case 'GET /calls': {
      const operationId = call.query.get('operationId') ?? undefined;
      return { status: 200, body: context.calls.list(operationId === undefined ? {} : { operationId }) };
    }
    case 'DELETE /calls':
      context.calls.clear();
      return { status: 204, body: undefined };
    case 'POST /reset':
      context.calls.clear();
      context.state.clear();
      context.faults.clear();
      return { status: 204, body: undefined };
    case 'POST /faults':
      return parse(InjectFaultInput, call.rawBody, (input) => {
        context.faults.inject(input);
        return { status: 201, body: context.faults.summary() };
      });
    case 'GET /faults':
      return { status: 200, body: context.faults.summary() };
    case 'DELETE /faults':
      context.faults.clear();
      return { status: 204, body: undefined };
    case 'POST /repos':
      return parse(SeedRepoInput, call.rawBody, (input) => seedRepo(context, call, input));
    case 'POST /pulls':
      return parse(SeedPullInput, call.rawBody, (input) => seedPull(context, call, input));
    case 'POST /apps':
      return parse(RegisterAppInput, call.rawBody, (input) => registerApp(context, input));
    case 'POST /webhooks':
      return parseAsync(DeliverWebhookInput, call.rawBody, (input) => deliver(input));
    default:
      return { status: 404, body: { message: `No emulator admin route ${call.method} ${call.path}`, status: '404' } };
  }
}

function seedRepo(
  context: EmulatorContext,
  call: IncomingCall,
  input: z.output<typeof SeedRepoInput>,
): OutgoingResponse {
  const existing = context.state.repo(input.owner, input.repo);
  const record = { ...existing, defaultBranch: input.defaultBranch };
  context.state.repos.set(repoKey(input.owner, input.repo), record);
  return { status: 201, body: buildRepository(urlsOf(call), record) };
}

function seedPull(
  context: EmulatorContext,
  call: IncomingCall,
  input: z.output<typeof SeedPullInput>,
): OutgoingResponse {
  const repo = context.state.repo(input.owner, input.repo);
  const key = repoKey(input.owner, input.repo);
  const now = isoNow();
  const previous = context.state.pulls.get(`${key}#${input.number}`);
  const pull = {
    repoKey: key,
    number: input.number,
    id: previous?.id ?? context.state.nextId('pull'),
    title: input.title,
    body: input.body,
    author: input.author ?? input.owner,
    head: input.head,
    base: input.base,
    state: input.merged ? ('closed' as const) : input.state,
    merged: input.merged,
    draft: input.draft,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  context.state.pulls.set(`${key}#${input.number}`, pull);
  return { status: 201, body: buildPullRequest(urlsOf(call), repo, pull, (login) => context.state.userId(login)) };
}

function registerApp(context: EmulatorContext, input: z.output<typeof RegisterAppInput>): OutgoingResponse {
  let publicKey;
  try {
    publicKey = createPublicKey(input.publicKeyPem);
  } catch (error) {
    return {
      status: 400,
      body: { message: `publicKeyPem is not a PEM public key: ${(error as Error).message}`, status: '400' },
    };
  }
  const slug = input.slug ?? `app-${input.appId}`;
  context.state.apps.set(input.appId, {
    appId: input.appId,
    slug,
    name: input.name ?? slug,
    publicKey,
    ownerLogin: input.owner,
    createdAt: isoNow(),
  });
  return { status: 201, body: { appId: input.appId, slug } };
}

async function deliver(input: z.output<typeof DeliverWebhookInput>): Promise<OutgoingResponse> {
  try {
    return { status: 200, body: await deliverWebhook(input) };
  } catch (error) {
    // The receiver being down is the test's business, not the emulator's: say so in the answer.
    const reason =
      error instanceof Error
        ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
        : String(error);
    return {
      status: 502,
      body: { message: `Delivery to ${new URL(input.url).origin} failed: ${reason}`, status: '502' },
    };
  }
}

function urlsOf(call: IncomingCall) {
  return { api: call.apiBaseUrl, html: call.htmlBaseUrl };
}

function parse<S extends z.ZodType>(
  schema: S,
  rawBody: string,
  use: (input: z.output<S>) => OutgoingResponse,
): OutgoingResponse {
  const parsed = parseInput(schema, rawBody);
  return parsed.ok ? use(parsed.value) : parsed.response;
}

async function parseAsync<S extends z.ZodType>(
  schema: S,
  rawBody: string,
  use: (input: z.output<S>) => Promise<OutgoingResponse>,
): Promise<OutgoingResponse> {
  const parsed = parseInput(schema, rawBody);
  return parsed.ok ? use(parsed.value) : parsed.response;
}

function parseInput<S extends z.ZodType>(
  schema: S,
  rawBody: string,
): { ok: true; value: z.output<S> } | { ok: false; response: OutgoingResponse } {
  let json: unknown;
  try {
    json = JSON.parse(rawBody === '' ? '{}' : rawBody);
  } catch {
    return { ok: false, response: { status: 400, body: { message: 'Problems parsing JSON', status: '400' } } };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const details = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return {
    ok: false,
    response: {
      status: 400,
      body: { message: `Invalid emulator admin request: ${details.join('; ')}`, status: '400' },
    },
  };
}
