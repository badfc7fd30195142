// Canary progress into the release record: each app's progress replaces its own entry of `canaries`, the others'
// kept, so a release that canaries several apps records them all. One writer per environment (the deploy lane), so
// the list read once is kept in memory and written whole.
import type { ReleaseStore } from '../../../core/ports/release-store.js';
import type { CanaryProgress } from '../../../core/release/release.js';

/**
 * A `record` for walkCanary that stores the progress in release `revision` before the walk acts on it, then tells
 * `recorded` (the check run's progress report) what the release now holds.
 */
export function canaryRecorder(
  store: ReleaseStore,
  revision: number,
  signal?: AbortSignal,
  recorded: (canaries: readonly CanaryProgress[]) => Promise<void> = async () => undefined,
): (progress: CanaryProgress) => Promise<void> {
  let canaries: readonly CanaryProgress[] | undefined;
  return async (progress) => {
    canaries ??= (await store.list({ signal })).find((r) => r.revision === revision)?.canaries ?? [];
    // Kept in the order the apps were first recorded, so a report lists them as they walked.
    const known = canaries.some((c) => c.app === progress.app);
    canaries = known ? canaries.map((c) => (c.app === progress.app ? progress : c)) : [...canaries, progress];
    await store.update(revision, { canaries }, { signal });
    await recorded(canaries);
  };
}
