import { parse } from 'yaml';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import { previewEnvConfig } from '../../../core/deploy/preview.js';
import type { LiveCache } from '../../../core/ports/live-cache.js';
import { liveStates } from '../../../worker/stages/deploy/live-state.js';

// The cluster's cache is shared; only which memo an environment gets is under test, so the cache is never called.
const cache: LiveCache = {
  snapshot: () => Promise.reject(new Error('not called')),
  subscribe: () => () => undefined,
};

describe('liveStates', () => {
  const dev = parseEnvConfig(
    'name: dev\nbranch: main\ncluster: { name: local }\nnamespace: shop-dev\npreview:\n  enabled: true\n',
    'environments/dev/env.yaml',
    parse,
  );

  it("keeps a preview's memo apart from its environment's, so tearing the preview down is no drift of the environment", () => {
    const states = liveStates(() => cache, 'gantry');

    const environment = states(dev);
    const preview = states(previewEnvConfig(dev, 'shop-dev-pr-12'));

    expect(states(dev)).toBe(environment);
    expect(preview.memo).not.toBe(environment.memo);
    expect(states(previewEnvConfig(dev, 'shop-dev-pr-12'))).toBe(preview);
    expect(states(previewEnvConfig(dev, 'shop-dev-pr-13'))).not.toBe(preview);
  });
});
