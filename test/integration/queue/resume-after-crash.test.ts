import { Queue } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DeployWorkerPool, type DeployJobResult } from '../../../adapters/queue/deploy-worker-pool.js';
import { readProgress } from '../../../adapters/queue/job-context.js';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { deployQueueName } from '../../../adapters/queue/queue-names.js';
import { openRedisKit, pushRequest, testLogger, waitFor, type RedisKit } from './queue-test-kit.js';
import { FAST_RECOVERY, STEPS, steppedDeploy, type SteppedResult } from './stepped-deploy.js';

const CHILD = join(import.meta.dirname, 'deploy-worker-child.ts');
const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Starts the worker process and collects what it prints. */
function startChild(kit: RedisKit): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, kit.url, kit.prefix], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

describe('a deploy job whose worker process is killed', () => {
  let kit: RedisKit;
  let queues: PipelineQueues;
  let queue: Queue;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    kit = await openRedisKit('queue-crash');
    queues = new PipelineQueues({ connection: kit.producer, prefix: kit.prefix });
    queue = new Queue(deployQueueName('crash'), { connection: kit.producer, prefix: kit.prefix });
  });
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await queue.close();
    await queues.close();
    await kit.cleanup();
  });

  it('is picked up by another worker once its lock expires, resumes after the last recorded step and completes', async () => {
    const { jobId } = await queues.enqueueDeploy(pushRequest('crash', 1), await queues.nextSequence());
    const started = startChild(kit);
    child = started.child;
    await waitFor('the child to record two steps', () => started.output().includes('step validate'), 30_000);
    child.kill('SIGKILL');
    await waitFor('the child to exit', () => child?.signalCode === 'SIGKILL');

    // The dead worker's job is still active, and what it recorded is there for anyone to see.
    const orphan = await queue.getJob(jobId);
    expect(await orphan?.getState()).toBe('active');
    expect(readProgress(orphan!)).toMatchObject({ step: 'validate', done: ['render', 'validate'], pid: child.pid });

    const pool = new DeployWorkerPool({ connection: kit.worker, prefix: kit.prefix, processor: steppedDeploy(20), log: testLogger(), settings: FAST_RECOVERY });
    try {
      await pool.start();
      const done = await waitFor('the job to complete on the second worker', async () => ((await queue.getJob(jobId))?.finishedOn ? queue.getJob(jobId) : undefined), 30_000);
      const result = done!.returnvalue as DeployJobResult<SteppedResult>;
      expect(result).toEqual({
        outcome: 'processed',
        result: { ran: ['apply', 'rollout', 'record'], resumedFrom: 'validate', attempt: 2, pid: process.pid },
      });
      expect(await done!.getState()).toBe('completed');
      expect(readProgress(done!)).toMatchObject({ step: 'record', done: [...STEPS] });
    } finally {
      await pool.close();
    }
  });
});
