import { pino } from 'pino';
import type { JobContext, JobProgress } from '../../../adapters/queue/job-context.js';
import { isDeployStep, parseDeployProgress } from '../../../worker/stages/deploy/deploy-progress.js';
import { memoryProgress, stageContextFor } from '../../../worker/stages/stage-context.js';

const log = pino({ level: 'silent' });

/** A JobContext as the queue builds one, with the progress writes kept in a list instead of Redis. */
function jobContext(resumeFrom: JobProgress | undefined): JobContext & { stored: JobProgress[] } {
  const stored: JobProgress[] = [];
  return {
    jobId: 'apply.7',
    signal: new AbortController().signal,
    log,
    attempt: 2,
    maxAttempts: 5,
    resumeFrom,
    stored,
    progress: async (progress) => void stored.push(progress),
    sleepUntil: () => Promise.reject(new Error('a deploy without builds never sleeps')),
  };
}

const recorded = { startedAt: '2026-11-25T10:00:00.000Z', timings: { render: 12 }, revision: 4, appliedStages: 2 };

describe('stageContextFor: a deploy job resumes from the progress its last run stored', () => {
  it('resumes from a stored step whose data has the shape this version writes', () => {
    const ctx = stageContextFor(jobContext({ step: 'apply', data: recorded }), isDeployStep, parseDeployProgress);

    expect(ctx.progress.get()).toEqual({ step: 'apply', data: recorded });
  });

  it('starts over when the stored data does not parse or names a step it does not know', () => {
    expect(
      stageContextFor(
        jobContext({ step: 'apply', data: { revision: 'four' } }),
        isDeployStep,
        parseDeployProgress,
      ).progress.get(),
    ).toBeUndefined();
    expect(
      stageContextFor(
        jobContext({ step: 'teleport', data: recorded }),
        isDeployStep,
        parseDeployProgress,
      ).progress.get(),
    ).toBeUndefined();
    expect(stageContextFor(jobContext(undefined), isDeployStep, parseDeployProgress).progress.get()).toBeUndefined();
  });

  it('stores each record in the job as { step, data } and reads back the latest', async () => {
    const job = jobContext(undefined);
    const ctx = stageContextFor(job, isDeployStep, parseDeployProgress);

    await ctx.progress.record('render', { startedAt: recorded.startedAt, timings: {} });
    await ctx.progress.record('diff', recorded);

    expect(job.stored).toEqual([
      { step: 'render', data: { startedAt: recorded.startedAt, timings: {} } },
      { step: 'diff', data: recorded },
    ]);
    expect(ctx.progress.get()).toEqual({ step: 'diff', data: recorded });
    expect(ctx.signal).toBe(job.signal);
  });
});

describe('memoryProgress', () => {
  it('keeps a copy of each record, so later changes to the data do not rewrite history', async () => {
    const progress = memoryProgress<string, { n: number[] }>();
    const data = { n: [1] };

    await progress.record('one', data);
    data.n.push(2);

    expect(progress.get()).toEqual({ step: 'one', data: { n: [1] } });
  });
});
