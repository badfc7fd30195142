import { getEventListeners } from 'node:events';
import { onAbort } from '../../../../adapters/common/on-abort.js';

describe('onAbort: one abort listener per signal, however many requests wait on it', () => {
  it('keeps a single listener for many subscribers and runs each of them once on abort', () => {
    const controller = new AbortController();
    const ran: number[] = [];
    for (let i = 0; i < 25; i++) onAbort(controller.signal, () => ran.push(i));

    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('superseded'));

    expect(ran).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes the listener when the last subscriber is done, and runs no finished subscriber on abort', () => {
    const controller = new AbortController();
    const ran: string[] = [];
    const first = onAbort(controller.signal, () => ran.push('first'));
    const second = onAbort(controller.signal, () => ran.push('second'));

    first();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    second();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const third = onAbort(controller.signal, () => ran.push('third'));
    controller.abort();
    third();

    expect(ran).toEqual(['third']);
  });

  it('runs at once for a signal that has already aborted', () => {
    const ran: string[] = [];
    onAbort(AbortSignal.abort(), () => ran.push('now'));
    expect(ran).toEqual(['now']);
  });
});
