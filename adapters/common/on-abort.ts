// One 'abort' listener per caller signal, however many requests of that caller are in flight.
//
// A deploy passes one AbortSignal to every request it makes, and runs a dozen at once (dry-runs, applies, health
// reads). Giving each http.request the signal added one listener per request in flight, and Node warned on every
// cluster command: "MaxListenersExceededWarning: 11 abort listeners added to [AbortSignal]". The listeners were
// removed on completion (not a leak), so the fix is not a higher limit but fewer listeners: the transport and the
// retry waits register callbacks here, and each signal carries one listener that runs them.

interface Subscription {
  readonly listener: () => void;
  readonly callbacks: Set<() => void>;
}

const subscriptions = new WeakMap<AbortSignal, Subscription>();

/**
 * Runs `callback` once when `signal` aborts (at once if it already has). Returns the function that unsubscribes;
 * call it when the work `callback` would cancel is done.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => {};
  }
  let subscription = subscriptions.get(signal);
  if (subscription === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      subscriptions.delete(signal);
      for (const run of callbacks) run();
    };
    subscription = { listener, callbacks };
    subscriptions.set(signal, subscription);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = subscription;
  // A distinct wrapper per call, so the same function subscribed twice is also unsubscribed twice.
  const entry = () => callback();
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    subscriptions.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
