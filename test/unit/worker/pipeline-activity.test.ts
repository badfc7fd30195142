import { PipelineActivity } from '../../../worker/pipeline-activity.js';

/** A job that runs until `finish()` is called. */
function heldJob(): { readonly done: Promise<void>; finish(): void } {
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

/** Whether `promise` settled by the time the event loop has run everything already due. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let state = false;
  void promise.then(
    () => (state = true),
    () => (state = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
}

describe('PipelineActivity: background work waits for the pipeline', () => {
  it('lets background work start at once when no plan or deploy has run for the settle time', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 60_000 });
    await expect(activity.quiet()).resolves.toEqual({ gaveUp: false });
  });

  it('holds background work while a job runs, and lets it go once the last one ended', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 60_000 });
    const first = heldJob();
    const second = heldJob();
    const tracked = [activity.track(() => first.done), activity.track(() => second.done)];
    const waiting = activity.quiet();

    first.finish();
    await tracked[0];
    expect(await settled(waiting)).toBe(false);

    second.finish();
    await tracked[1];
    await expect(waiting).resolves.toEqual({ gaveUp: false });
  });

  it('counts a job that failed as ended', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 60_000 });
    await expect(activity.track(() => Promise.reject(new Error('plan failed')))).rejects.toThrow('plan failed');
    await expect(activity.quiet()).resolves.toEqual({ gaveUp: false });
  });

  it('runs the background work anyway after the longest wait, so it is always done', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 20 });
    const job = heldJob();
    const tracked = activity.track(() => job.done);

    await expect(activity.quiet()).resolves.toEqual({ gaveUp: true });
    job.finish();
    await tracked;
  });

  it('stops waiting with the abort reason when its job is cancelled', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 60_000 });
    const job = heldJob();
    const tracked = activity.track(() => job.done);
    const controller = new AbortController();
    const waiting = activity.quiet(controller.signal);

    controller.abort(new Error('worker closing'));

    await expect(waiting).rejects.toThrow('worker closing');
    job.finish();
    await tracked;
  });

  it('is not quiet between a plan that added deploy jobs and the start of those deploys', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 60_000, handOffMs: 60_000 });
    await activity.track(async () => activity.expectDeploys(2));
    const waiting = activity.quiet();
    expect(await settled(waiting)).toBe(false);

    await activity.track(() => Promise.resolve(), { startsDeploy: true });
    expect(await settled(waiting)).toBe(false);

    await activity.track(() => Promise.resolve(), { startsDeploy: true });
    await expect(waiting).resolves.toEqual({ gaveUp: false });
  });

  it('stops expecting deploys another process may have taken after the hand-off time', async () => {
    const activity = new PipelineActivity({ settleMs: 0, maxWaitMs: 60_000, handOffMs: 20 });
    await activity.track(async () => activity.expectDeploys(1));
    const started = Date.now();

    await expect(activity.quiet()).resolves.toEqual({ gaveUp: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});
