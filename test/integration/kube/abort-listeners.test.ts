import { getEventListeners } from 'node:events';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import { configMap, FIELD_MANAGER, openTestCluster } from './kube-fixtures.js';

describe('KubeCluster: one caller signal shared by many requests in flight', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('abort-listeners'));
  });
  afterAll(() => cleanup());

  it('adds one abort listener to the signal, not one per request (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const record = (warning: Error) => warnings.push(warning);
    process.on('warning', record);
    const controller = new AbortController();
    let most = 0;
    const sample = setInterval(() => (most = Math.max(most, getEventListeners(controller.signal, 'abort').length)), 1);
    try {
      const objects = Array.from({ length: 40 }, (_, i) => configMap(namespace, `shared-signal-${i}`));
      await cluster.dryRunApply(objects, { fieldManager: FIELD_MANAGER, signal: controller.signal });
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      clearInterval(sample);
      process.off('warning', record);
    }

    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(most).toBeLessThanOrEqual(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
