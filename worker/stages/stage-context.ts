// What a stage function gets besides its input: cancellation, a logger, and a place to record how far it got. The
// queue layer builds one per job (see `stageContextFor`); tests and the CLI build one from plain objects.
import type { Logger } from 'pino';
import type { JobContext } from '../../adapters/queue/job-context.js';

/** The last step a run recorded, with the data a resumed run needs to continue after it. */
export interface StepRecord<S extends string, D> {
  readonly step: S;
  readonly data: D;
}

/**
 * Where a stage records each finished step before starting the next, so a run cut short (a killed worker, an
 * abort, a retry) resumes after the last recorded step. Only the latest record counts: `data` is cumulative.
 */
export interface ProgressStore<S extends string, D> {
  /** The latest record, or undefined on a fresh run. */
  get(): StepRecord<S, D> | undefined;
  /** Stores `step` as done; resolves once stored (Redis, for a queue job). */
  record(step: S, data: D): Promise<void>;
}

/** Cancellation, logging and progress for one run of a stage. */
export interface StageContext<S extends string = string, D = unknown> {
  /** Aborted when the run must stop (shutdown, cancel); every call below receives it. */
  readonly signal: AbortSignal;
  /** A pino child logger bound to the job (delivery id, environment, sha). */
  readonly log: Logger;
  readonly progress: ProgressStore<S, D>;
}

/** A progress store in memory: for tests, the CLI, and dry runs that need no resuming. */
export function memoryProgress<S extends string, D>(
  initial?: StepRecord<S, D>,
): ProgressStore<S, D> & { readonly history: StepRecord<S, D>[] } {
  const history: StepRecord<S, D>[] = initial ? [initial] : [];
  return {
    history,
    get: () => history.at(-1),
    record: async (step, data) => {
      // A structured clone, as Redis would store a copy: later changes to `data` must not alter the record.
      history.push({ step, data: structuredClone(data) });
    },
  };
}

/**
 * The {@link StageContext} of a queue job: progress lives in the job (BullMQ `updateProgress`), so a job that
 * another worker picks up after a crash resumes where this one stopped.
 *
 * @param parse reads the data a previous run stored (untrusted JSON from Redis); undefined when it does not parse,
 *   in which case the run starts from the beginning
 */
export function stageContextFor<S extends string, D>(
  job: JobContext,
  isStep: (step: string) => step is S,
  parse: (data: unknown) => D | undefined,
): StageContext<S, D> {
  const resumed = job.resumeFrom;
  const data = resumed && isStep(resumed.step) ? parse(resumed['data']) : undefined;
  let latest: StepRecord<S, D> | undefined =
    resumed && data !== undefined && isStep(resumed.step) ? { step: resumed.step, data } : undefined;
  return {
    signal: job.signal,
    log: job.log,
    progress: {
      get: () => latest,
      record: async (step, value) => {
        await job.progress({ step, data: value });
        latest = { step, data: value };
      },
    },
  };
}
