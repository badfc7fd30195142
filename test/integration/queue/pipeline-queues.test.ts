import { Queue } from 'bullmq';
import { createRedisClient } from '../../../adapters/queue/redis-client.js';
import { QueueUnavailableError } from '../../../adapters/queue/errors.js';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { planJobDelivery, planJobSchema } from '../../../adapters/queue/plan-job.js';
import { deployQueueName, pipelineKeys, PLAN_QUEUE, REPORT_QUEUE } from '../../../adapters/queue/queue-names.js';
import { mapGitHubEvent, type GitHubDelivery } from '../../../core/deploy/map-github-event.js';
import type { EnvSelector } from '../../../core/deploy/select-environments.js';
import { buildPullRequestPayload, buildPushPayload } from '../../platform/github-emulator/index.js';
import { freePort } from '../../platform/ports.js';
import { openRedisKit, pushRequest, sha, testLogger, type RedisKit } from './queue-test-kit.js';

const repository = { owner: 'octo-org', name: 'shop', cloneUrl: 'https://git.example/octo-org/shop.git' };
const environments: EnvSelector[] = [
  { name: 'dev', branch: 'main', namespace: 'shop-dev', preview: { enabled: true, namespacePrefix: 'shop-dev-pr-' } },
  { name: 'staging', branch: 'main', namespace: 'shop-staging', preview: { enabled: false, namespacePrefix: 'shop-staging-pr-' } },
];

function delivery(event: string, payload: unknown, deliveryId: string): GitHubDelivery {
  return { event, deliveryId, payload, receivedAt: new Date().toISOString() };
}

describe('PipelineQueues (producer) on the real Redis', () => {
  let kit: RedisKit;
  let queues: PipelineQueues;
  let plan: Queue;

  beforeAll(async () => {
    kit = await openRedisKit('queue-producer');
    queues = new PipelineQueues({ connection: kit.producer, prefix: kit.prefix, log: testLogger() });
    plan = new Queue(PLAN_QUEUE, { connection: kit.producer, prefix: kit.prefix });
  });
  afterAll(async () => {
    await plan.close();
    await queues.close();
    await kit.cleanup();
  });

  it('stores a push as one plan job under its delivery id, keeping only what the planner reads', async () => {
    const payload = buildPushPayload({ repository, ref: 'refs/heads/main', before: sha(1), after: sha(2), installationId: 77 });
    const result = await queues.enqueuePlan(delivery('push', payload, 'push-delivery-1'));

    expect(result).toMatchObject({ status: 'accepted', jobId: 'push-delivery-1' });
    const job = await plan.getJob('push-delivery-1');
    const stored = planJobSchema.parse(job?.data);
    expect(stored.payload).toEqual({
      ref: 'refs/heads/main',
      before: sha(1),
      after: sha(2),
      deleted: false,
      repository: { full_name: 'octo-org/shop', clone_url: repository.cloneUrl },
      installation: { id: 77 },
    });
    expect(JSON.stringify(job?.data).length).toBeLessThan(JSON.stringify(payload).length / 5);
    // The trimmed job means to core's mapper exactly what the whole payload means.
    const original = delivery('push', payload, 'push-delivery-1');
    expect(mapGitHubEvent(planJobDelivery(stored), environments)).toEqual(mapGitHubEvent({ ...original, receivedAt: stored.receivedAt }, environments));
  });

  it.each([
    ['opened from the same repository', 'opened', false],
    ['synchronized from a fork', 'synchronize', true],
    ['closed', 'closed', false],
  ] as const)('keeps what the planner needs from a pull request %s: it maps as the whole payload does', async (_case, action, fork) => {
    const payload = buildPullRequestPayload({ repository, action, number: 42, head: { ref: 'feature', sha: sha(5) }, base: { ref: 'main', sha: sha(4) } });
    if (fork) ((payload['pull_request'] as { head: { repo: { full_name: string } } }).head.repo.full_name = 'someone/shop');
    const original = delivery('pull_request', payload, `pr-${action}`);
    await queues.enqueuePlan(original);

    const stored = planJobSchema.parse((await plan.getJob(`pr-${action}`))?.data);
    const decision = mapGitHubEvent(planJobDelivery(stored), environments);
    expect(decision).toEqual(mapGitHubEvent({ ...original, receivedAt: stored.receivedAt }, environments));
    expect(decision.kind).toBe(action === 'closed' ? 'teardown-preview' : 'preview');
  });

  it('answers duplicate for a redelivery and leaves the first job as it was', async () => {
    const first = buildPushPayload({ repository, ref: 'refs/heads/main', before: sha(10), after: sha(11) });
    const second = buildPushPayload({ repository, ref: 'refs/heads/main', before: sha(10), after: sha(12) });

    const accepted = await queues.enqueuePlan(delivery('push', first, 'redelivered-1'));
    const again = await queues.enqueuePlan(delivery('push', second, 'redelivered-1'));

    expect(accepted.status).toBe('accepted');
    expect(again).toEqual({ status: 'duplicate', jobId: 'redelivered-1' });
    expect(planJobSchema.parse((await plan.getJob('redelivered-1'))?.data).payload).toMatchObject({ after: sha(11) });
    expect(await plan.getJobCountByTypes('wait')).toBe(5);
  });

  it("keeps a fork's labels: a maintainer's preview label deploys its preview as the whole payload would", async () => {
    const trusting = environments.map((env) => ({ ...env, preview: { ...env.preview, forkLabel: 'safe-to-preview' } }));
    const payload = buildPullRequestPayload({ repository, action: 'labeled', number: 43, head: { ref: 'feature', sha: sha(6) }, base: { ref: 'main', sha: sha(4) } });
    const pull = payload['pull_request'] as { head: { repo: { full_name: string } }; labels: unknown };
    pull.head.repo.full_name = 'someone/shop';
    const label = { id: 1, name: 'safe-to-preview', color: 'ededed', default: false };
    pull.labels = [label];
    payload['label'] = label;
    const original = delivery('pull_request', payload, 'pr-labeled');
    await queues.enqueuePlan(original);

    const stored = planJobSchema.parse((await plan.getJob('pr-labeled'))?.data);
    const decision = mapGitHubEvent(planJobDelivery(stored), trusting);
    expect(decision).toEqual(mapGitHubEvent({ ...original, receivedAt: stored.receivedAt }, trusting));
    expect(decision.kind === 'preview' && decision.requests.map((r) => `${r.environment}:${r.target.kind}`)).toContain('dev:preview');
  });

  it('numbers accepted deliveries in the order they were accepted', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++) {
      const payload = buildPushPayload({ repository, ref: 'refs/heads/main', before: sha(20 + i), after: sha(21 + i) });
      numbers.push((await queues.enqueuePlan(delivery('push', payload, `ordered-${i}`))).sequence ?? 0);
    }
    expect(numbers[1]).toBe((numbers[0] ?? 0) + 1);
    expect(numbers[2]).toBe((numbers[0] ?? 0) + 2);
  });

  it("limits an environment's queue to one active job and announces the environment on its first deploy", async () => {
    const result = await queues.enqueueDeploy(pushRequest('alpha', 1), 7);

    expect(result).toEqual({ jobId: 'apply.7', queue: 'deploy.alpha' });
    const queue = new Queue(deployQueueName('alpha'), { connection: kit.producer, prefix: kit.prefix });
    try {
      expect(await queue.getGlobalConcurrency()).toBe(1);
      expect(await kit.producer.smembers(pipelineKeys(kit.prefix).environments)).toEqual(['alpha']);
      expect(await kit.producer.zscore(pipelineKeys(kit.prefix).latest('alpha'), 'apply')).toBe('7');
    } finally {
      await queue.close();
    }
  });

  it("makes a pull request's close outrank its preview's queued deploys, and never lowers the lane", async () => {
    const preview = { ...pushRequest('alpha', 1), target: { kind: 'preview', namespace: 'shop-alpha-pr-4' } } as const;
    expect(await queues.enqueueDeploy(preview, 3)).toEqual({ jobId: 'preview-shop-alpha-pr-4.3', queue: 'deploy.alpha' });
    const newest = () => kit.producer.zscore(pipelineKeys(kit.prefix).latest('alpha'), 'preview-shop-alpha-pr-4');

    await queues.supersedePreview('alpha', 'shop-alpha-pr-4', 9);
    expect(await newest()).toBe('9');

    await queues.supersedePreview('alpha', 'shop-alpha-pr-4', 5);
    expect(await newest()).toBe('9');
  });

  it('stores one report per request, sequence and state however often it is asked', async () => {
    const report = { request: pushRequest('alpha', 2), sequence: 8, state: 'pending' as const, description: 'deploying' };
    const first = await queues.enqueueReport(report);
    const second = await queues.enqueueReport(report);

    expect(second.jobId).toBe(first.jobId);
    const queue = new Queue(REPORT_QUEUE, { connection: kit.producer, prefix: kit.prefix });
    try {
      expect(await queue.getJobCountByTypes('wait')).toBe(1);
    } finally {
      await queue.close();
    }
  });
});

describe('PipelineQueues when Redis is unreachable', () => {
  it('rejects an enqueue at once with QueueUnavailableError and answers PING with false', async () => {
    const port = await freePort();
    const client = createRedisClient({ url: `redis://127.0.0.1:${port}`, role: 'producer' });
    client.on('error', () => undefined);
    const queues = new PipelineQueues({ connection: client, prefix: '{unreachable}' });
    try {
      const payload = buildPushPayload({ repository, ref: 'refs/heads/main', before: sha(1), after: sha(2) });
      const started = Date.now();
      await expect(queues.enqueuePlan(delivery('push', payload, 'lost-1'))).rejects.toBeInstanceOf(QueueUnavailableError);
      await expect(queues.enqueueDeploy(pushRequest('alpha', 1), 1)).rejects.toBeInstanceOf(QueueUnavailableError);
      expect(await queues.ping(500)).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await queues.close();
      client.disconnect();
    }
  });
});
