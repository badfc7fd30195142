import { Queue } from 'bullmq';
import { planJobSchema } from '../../../adapters/queue/plan-job.js';
import { PLAN_QUEUE } from '../../../adapters/queue/queue-names.js';
import {
  buildPingPayload,
  buildPullRequestPayload,
  buildPushPayload,
  deliverWebhook,
  signWebhookBody,
  ZERO_SHA,
} from '../../platform/github-emulator/index.js';
import { openRedisKit, sha, type RedisKit } from '../queue/queue-test-kit.js';
import { postRaw, SECRET, startWebhook, type RunningWebhook } from './webhook-test-kit.js';

const repository = { owner: 'octo-org', name: 'shop', cloneUrl: 'https://git.example/octo-org/shop.git' };
const push = (after: string, ref = 'refs/heads/main') => buildPushPayload({ repository, ref, before: sha(1), after });

describe('POST /webhooks/github', () => {
  let kit: RedisKit;
  let webhook: RunningWebhook;
  let plan: Queue;

  const deliver = (
    event: string,
    payload: Record<string, unknown>,
    extra: { deliveryId?: string; secret?: string } = {},
  ) =>
    deliverWebhook({ url: webhook.url, secret: extra.secret ?? SECRET, event, payload, deliveryId: extra.deliveryId });
  const jobCount = async () => (await plan.getJobs(['wait', 'active', 'completed', 'failed', 'delayed'])).length;
  /** A signed raw body, as GitHub would send it. */
  const signed = (body: string | Buffer, event: string, contentType = 'application/json') => ({
    'content-type': contentType,
    'x-github-event': event,
    'x-github-delivery': `raw-${Math.random().toString(16).slice(2)}`,
    'x-hub-signature-256': signWebhookBody(SECRET, body).sha256,
  });

  beforeAll(async () => {
    kit = await openRedisKit('webhook');
    webhook = await startWebhook(kit.producer, kit.prefix);
    plan = new Queue(PLAN_QUEUE, { connection: kit.producer, prefix: kit.prefix });
  });
  afterAll(async () => {
    await plan.close();
    await webhook.close();
    await kit.cleanup();
  });

  it('answers a signed push with 202 and stores exactly one plan job carrying what the planner needs', async () => {
    const before = await jobCount();
    const answer = await deliver('push', push(sha(2)));

    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ accepted: true, deliveryId: answer.deliveryId });
    expect(await jobCount()).toBe(before + 1);
    const job = planJobSchema.parse((await plan.getJob(answer.deliveryId))?.data);
    expect(job).toMatchObject({
      event: 'push',
      deliveryId: answer.deliveryId,
      payload: {
        ref: 'refs/heads/main',
        before: sha(1),
        after: sha(2),
        repository: { full_name: 'octo-org/shop', clone_url: repository.cloneUrl },
      },
    });
    expect(Date.now() - Date.parse(job.receivedAt)).toBeLessThan(10_000);
  });

  it('answers a redelivery (same delivery id) with 200 duplicate and stores nothing more', async () => {
    const first = await deliver('push', push(sha(3)));
    const count = await jobCount();
    const again = await deliver('push', push(sha(3)), { deliveryId: first.deliveryId });

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ duplicate: true, deliveryId: first.deliveryId });
    expect(await jobCount()).toBe(count);
  });

  it('refuses a body signed with another secret, or not signed at all, with 401 and stores nothing', async () => {
    const count = await jobCount();
    const forged = await deliver('push', push(sha(4)), { secret: 'not the secret' });
    const body = JSON.stringify(push(sha(4)));
    const { 'x-hub-signature-256': _dropped, ...unsigned } = signed(body, 'push');
    const missing = await postRaw(webhook.url, body, unsigned);
    const tampered = await postRaw(webhook.url, body.replace(sha(4), sha(5)), signed(body, 'push'));

    expect([forged.status, missing.status, tampered.status]).toEqual([401, 401, 401]);
    expect(JSON.parse(missing.body).error).toMatch(/^X-Hub-Signature-256 is missing: /);
    expect(JSON.parse(forged.body).error).toMatch(/^X-Hub-Signature-256 does not match the body /);
    // The log line says what was wrong in plain words ("is mismatch" read as a typo).
    expect(
      webhook.logs.filter((line) => line.includes('refused a delivery: X-Hub-Signature-256 does not match the body')),
    ).toHaveLength(2);
    expect(webhook.logs.join('\n')).not.toContain('is mismatch');
    expect(await jobCount()).toBe(count);
  });

  it('refuses signed malformed JSON with 400 and stores nothing', async () => {
    const count = await jobCount();
    const body = '{"ref": "refs/heads/main", "after": ';
    const answer = await postRaw(webhook.url, body, signed(body, 'push'));

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 'payload is not valid JSON' });
    expect(await jobCount()).toBe(count);
  });

  it('refuses a signed push whose payload lacks a field GitHub always sends with 400', async () => {
    const payload = push(sha(6));
    delete payload['after'];
    const answer = await deliver('push', payload);

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatch(/^push payload: after/);
  });

  it('refuses a 26 MB body with 413 without waiting for all of it', async () => {
    const count = await jobCount();
    const huge = Buffer.alloc(26 * 1024 * 1024, 0x20);
    const answer = await postRaw(webhook.url, huge, { ...signed('{}', 'push'), 'content-length': huge.length });

    expect(answer.status).toBe(413);
    expect(answer.ms).toBeLessThan(2_000);
    expect(await jobCount()).toBe(count);
  });

  it('accepts a form-encoded delivery (payload=...) like a JSON one', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify(push(sha(7))) }).toString();
    const headers = signed(body, 'push', 'application/x-www-form-urlencoded');
    const answer = await postRaw(webhook.url, body, headers);

    expect(answer.status).toBe(202);
    expect(planJobSchema.parse((await plan.getJob(headers['x-github-delivery']))?.data)).toMatchObject({
      event: 'push',
      payload: { after: sha(7) },
    });
  });

  it.each([
    ['a tag push', 'push', () => push(sha(8), 'refs/tags/v1.0.0'), 'tag'],
    [
      'a branch deletion',
      'push',
      () => buildPushPayload({ repository, ref: 'refs/heads/old', before: sha(8), after: ZERO_SHA }),
      'branch-deleted',
    ],
    [
      'a pull request label change',
      'pull_request',
      () =>
        buildPullRequestPayload({
          repository,
          action: 'labeled',
          number: 3,
          head: { ref: 'f', sha: sha(9) },
          base: { ref: 'main', sha: sha(8) },
        }),
      'pull-request-action',
    ],
    [
      'an event the pipeline does not use',
      'issues',
      () => ({ action: 'opened', repository: push(sha(1))['repository'] }),
      'unsupported-event',
    ],
  ] as const)('acknowledges %s with 202, stores nothing and logs why', async (_what, event, payload, reason) => {
    const count = await jobCount();
    const answer = await deliver(event, payload());

    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ ignored: reason });
    expect(await jobCount()).toBe(count);
    const line = webhook.logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['deliveryId'] === answer.deliveryId);
    expect(line).toMatchObject({ event, reason, msg: expect.stringMatching(/^ignored: /) });
  });

  it('stores a plan job for an opened pull request', async () => {
    const answer = await deliver(
      'pull_request',
      buildPullRequestPayload({
        repository,
        action: 'opened',
        number: 4,
        head: { ref: 'f', sha: sha(10) },
        base: { ref: 'main', sha: sha(9) },
      }),
    );

    expect(answer.status).toBe(202);
    expect(planJobSchema.parse((await plan.getJob(answer.deliveryId))?.data)).toMatchObject({
      event: 'pull_request',
      payload: { number: 4, action: 'opened' },
    });
  });

  it('answers a ping with 200 and logs the hook id and zen', async () => {
    const answer = await deliver('ping', buildPingPayload({ repository, hookId: 4242 }));

    expect(answer.status).toBe(200);
    const line = webhook.logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['deliveryId'] === answer.deliveryId);
    expect(line).toMatchObject({ hookId: 4242, zen: expect.any(String), msg: 'ping: the webhook is set up' });
  });

  it('logs every delivery with its id, event, repository, ref and commit, and never the secret or the body', async () => {
    const payload = buildPushPayload({
      repository,
      ref: 'refs/heads/main',
      before: sha(1),
      after: sha(11),
      commits: [{ id: sha(11), message: 'a distinctive commit message' }],
    });
    const answer = await deliver('push', payload);
    const lines = webhook.logs
      .filter((text) => text.includes(answer.deliveryId))
      .map((text) => JSON.parse(text) as Record<string, unknown>);

    expect(lines).toContainEqual(
      expect.objectContaining({
        deliveryId: answer.deliveryId,
        event: 'push',
        repo: 'octo-org/shop',
        ref: 'refs/heads/main',
        sha: sha(11),
        msg: 'accepted: plan job stored',
      }),
    );
    const all = webhook.logs.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('a distinctive commit message');
  });

  it('answers the health endpoints, and only POST on the delivery path', async () => {
    expect((await fetch(`${webhook.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${webhook.base}/readyz`)).status).toBe(200);
    expect((await fetch(webhook.url)).status).toBe(405);
    expect((await fetch(`${webhook.base}/elsewhere`)).status).toBe(404);
  });
});
