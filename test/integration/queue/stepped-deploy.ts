// A stand-in deploy processor for the resume tests: five named steps, each recorded as progress once done, and
// skipped when a resumed run finds it recorded. This is the contract the real deploy stage follows.
import type { DeployJob } from '../../../adapters/queue/deploy-job.js';
import type { JobProcessor } from '../../../adapters/queue/run-job.js';

export const STEPS = ['render', 'validate', 'apply', 'rollout', 'record'] as const;

/** What one run did. */
export interface SteppedResult {
  readonly ran: readonly string[];
  readonly resumedFrom: string | undefined;
  readonly attempt: number;
  readonly pid: number;
}

export function steppedDeploy(stepMs: number, onStep: (step: string) => void = () => undefined): JobProcessor<DeployJob, SteppedResult> {
  return async (_job, ctx) => {
    const recorded = ctx.resumeFrom?.['done'];
    const done: string[] = Array.isArray(recorded) ? recorded.filter((s): s is string => typeof s === 'string') : [];
    const ran: string[] = [];
    for (const step of STEPS) {
      if (done.includes(step)) continue;
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      done.push(step);
      ran.push(step);
      await ctx.progress({ step, done: [...done], pid: process.pid });
      onStep(step);
    }
    return { ran, resumedFrom: ctx.resumeFrom?.step, attempt: ctx.attempt, pid: process.pid };
  };
}

/** Lock and stalled-check timings short enough for a test: a killed worker's job resumes within ~3 s. */
export const FAST_RECOVERY = { lockDurationMs: 2_000, stalledIntervalMs: 1_000, maxStalledCount: 2 };
