import { Queue, QueueEvents, Worker } from 'bullmq';
import { need, uniqueName } from './connect.js';

describe("the platform's Redis", () => {
  it('round-trips a BullMQ job from a queue through a worker and back to the producer', async () => {
    const url = new URL(need('redis').url);
    const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
    const prefix = uniqueName('bull-test');
    const name = 'round-trip';
    const queue = new Queue(name, { connection, prefix });
    const events = new QueueEvents(name, { connection, prefix });
    const worker = new Worker(name, async (job) => ({ doubled: (job.data as { n: number }).n * 2, by: 'worker' }), { connection, prefix });
    try {
      await events.waitUntilReady();
      const job = await queue.add('double', { n: 21 });
      const result = await job.waitUntilFinished(events, 30_000);
      expect(result).toEqual({ doubled: 42, by: 'worker' });
      const stored = await queue.getJob(job.id!);
      expect(await stored?.getState()).toBe('completed');
      // Unless told to use an existing Redis, it is an isolated server, not the machine's default 6379 instance.
      if (!need('redis').external) expect(Number(url.port)).not.toBe(6379);
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
