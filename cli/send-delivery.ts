import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sign } from '@octokit/webhooks-methods';
import type { CommandIo } from './command-io.js';
import { reportError, UsageError } from './cluster-options.js';
import { pullRequestDeliveryPayload, pushDeliveryPayload } from './delivery-payload.js';

export const SEND_DELIVERY_USAGE = `Usage:
  gantry send-delivery push --url URL --repo OWNER/NAME --ref REF --sha SHA --clone-url URL [--before SHA]
  gantry send-delivery pull_request --url URL --repo OWNER/NAME --number N --ref HEAD_BRANCH --sha HEAD_SHA
                       --base-ref BRANCH --base-sha SHA --clone-url URL [--action ACTION] [--head-repo OWNER/NAME]
  common options:      [--secret-env VAR | --secret-file FILE] [--delivery-id ID]

Sends one GitHub webhook delivery, signed as GitHub signs it (X-Hub-Signature-256, HMAC-SHA256 of the body with
the webhook secret), to URL (the webhook service's /webhooks/github). The payload is the smallest one the webhook
accepts (webhook/README.md shows both). For a push, REF is the full ref (refs/heads/main) and --before defaults to
40 zeros (a new branch). For a pull request, branches are plain names (main), --action defaults to synchronize
(opened, synchronize and reopened deploy a preview; closed tears it down) and --head-repo to --repo (another
repository makes it a fork's pull request).
The secret is read from the environment variable VAR (default GANTRY_WEBHOOK_SECRET) or from FILE (one line; a
trailing newline is dropped); it is never printed. --delivery-id reuses an id, as GitHub's "Redeliver" does.
Prints the answer's status and body. Exit code 0 when the webhook answered 2xx, 1 otherwise.
`;

const OPTIONS = {
  url: { type: 'string' },
  repo: { type: 'string' },
  ref: { type: 'string' },
  sha: { type: 'string' },
  before: { type: 'string' },
  'clone-url': { type: 'string' },
  number: { type: 'string' },
  action: { type: 'string' },
  'base-ref': { type: 'string' },
  'base-sha': { type: 'string' },
  'head-repo': { type: 'string' },
  'secret-env': { type: 'string' },
  'secret-file': { type: 'string' },
  'delivery-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const ZERO_SHA = '0'.repeat(40);
/** GitHub gives up on a delivery after 10 seconds; so does this command. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** `gantry send-delivery push|pull_request ...`: one signed delivery; the webhook's answer on stdout. */
export async function runSendDelivery(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    const { values, positionals } = parse(args);
    if (values.help === true) {
      io.stdout(SEND_DELIVERY_USAGE);
      return 0;
    }
    const [event, ...extra] = positionals;
    if (event !== 'push' && event !== 'pull_request')
      throw new UsageError(`the first argument must be push or pull_request, not ${JSON.stringify(event ?? '')}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const url = required(values, 'url');
    const payload = event === 'push' ? pushFrom(values) : pullRequestFrom(values);
    const secret = readSecret(values, io.cwd);
    const deliveryId = values['delivery-id'] ?? randomUUID();
    const body = JSON.stringify(payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'gantry-send-delivery',
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': await sign(secret, body),
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new Error(`${url}: the delivery was not answered`, { cause: error });
    });
    const answer = await response.text();
    io.stdout(`${event} delivery ${deliveryId} to ${url}: ${response.status} ${answer}\n`);
    return response.ok ? 0 : 1;
  } catch (error) {
    return reportError(io, 'send-delivery', error);
  }
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function required(values: Values, name: Exclude<keyof typeof OPTIONS, 'help'>): string {
  const value = values[name];
  if (value === undefined || value === '') throw new UsageError(`--${name} is required (see --help)`);
  return value;
}

function commitId(values: Values, name: 'sha' | 'before' | 'base-sha', fallback?: string): string {
  const value = values[name] ?? fallback;
  if (value === undefined) throw new UsageError(`--${name} is required (see --help)`);
  if (!/^[0-9a-f]{40}$/.test(value)) throw new UsageError(`--${name} must be a full 40-digit lowercase commit id`);
  return value;
}

function repository(values: Values, name: 'repo' | 'head-repo', fallback?: string): string {
  const value = values[name] ?? fallback;
  if (value === undefined) throw new UsageError(`--${name} is required (see --help)`);
  if (!/^[^/\s]+\/[^/\s]+$/.test(value)) throw new UsageError(`--${name} must be OWNER/NAME`);
  return value;
}

function pushFrom(values: Values) {
  return pushDeliveryPayload({
    repo: repository(values, 'repo'),
    ref: required(values, 'ref'),
    sha: commitId(values, 'sha'),
    before: commitId(values, 'before', ZERO_SHA),
    cloneUrl: required(values, 'clone-url'),
  });
}

function pullRequestFrom(values: Values) {
  const repo = repository(values, 'repo');
  const number = Number(required(values, 'number'));
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError('--number must be a pull request number');
  return pullRequestDeliveryPayload({
    repo,
    number,
    action: values.action ?? 'synchronize',
    ref: required(values, 'ref'),
    sha: commitId(values, 'sha'),
    baseRef: required(values, 'base-ref'),
    baseSha: commitId(values, 'base-sha'),
    headRepo: repository(values, 'head-repo', repo),
    cloneUrl: required(values, 'clone-url'),
  });
}

/** The secret from --secret-file, else from the variable --secret-env names; the messages never quote it. */
function readSecret(values: Values, cwd: string): string {
  if (values['secret-file'] !== undefined && values['secret-env'] !== undefined)
    throw new UsageError('--secret-env and --secret-file are both given: give one');
  if (values['secret-file'] !== undefined) {
    const file = resolve(cwd, values['secret-file']);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`secret file ${file} could not be read`, { cause: error });
    }
    const secret = text.replace(/\r?\n$/, '');
    if (secret === '') throw new UsageError(`secret file ${file} is empty`);
    return secret;
  }
  const variable = values['secret-env'] ?? 'GANTRY_WEBHOOK_SECRET';
  const secret = process.env[variable];
  if (secret === undefined || secret === '')
    throw new UsageError(`${variable} is not set: set it to the webhook secret, or pass --secret-file FILE`);
  return secret;
}
