import { classifyBuildOutput } from '../../../../adapters/registry/classify-build-output.js';
import { parseImageReference } from '../../../../adapters/registry/index.js';

const BASE = '127.0.0.1:5000/gantry/base/node@sha256:abc';

// The `Error:` lines below are buildah 1.28's own (Debian bookworm), captured from real failed builds.
describe('classifyBuildOutput', () => {
  it.each([
    [
      'a failed RUN step',
      'STEP 2/2: RUN make\nmake: *** [all] Error 2\nsubprocess exited with status 2\nError: building at STEP "RUN make": exit status 2\n',
      'BuildFailed',
      'step RUN make failed with exit status 2',
    ],
    [
      'an unknown instruction',
      'STEP 2/3: FORM foo\nError: building at STEP "FORM ": Build error: Unknown instruction: "FORM" &imagebuilder.Step{Env:[]string{}}\n',
      'BuildFailed',
      'Dockerfile syntax error: unknown instruction FORM',
    ],
    [
      'a base image the registry lacks',
      'Trying to pull 127.0.0.1:5000/gantry/base/missing:1...\nError: creating build container: initializing source docker://127.0.0.1:5000/gantry/base/missing:1: reading manifest 1 in 127.0.0.1:5000/gantry/base/missing: manifest unknown: manifest unknown\n',
      'BuildFailed',
      'base image 127.0.0.1:5000/gantry/base/missing:1 is not in the registry',
    ],
    [
      'a registry that does not answer',
      'Error: pushing image "a" to "docker://127.0.0.1:1/shop/catalog:t1": trying to reuse blob sha256:9e at destination: pinging container registry 127.0.0.1:1: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused\n',
      'RegistryUnavailable',
      'the registry did not answer',
    ],
  ])('reads %s', (_what, output, reason, message) => {
    const verdict = classifyBuildOutput(output, BASE);
    expect(verdict.reason).toBe(reason);
    expect(verdict.message).toContain(message);
  });
});

describe('parseImageReference', () => {
  it.each([
    [
      '127.0.0.1:5000/gantry/base/node:18-bookworm',
      { host: '127.0.0.1:5000', repository: 'gantry/base/node', reference: '18-bookworm' },
    ],
    [
      '127.0.0.1:5000/gantry/base/node@sha256:abc',
      { host: '127.0.0.1:5000', repository: 'gantry/base/node', reference: 'sha256:abc' },
    ],
    ['registry.internal/shop/catalog:1', { host: 'registry.internal', repository: 'shop/catalog', reference: '1' }],
  ])('splits %s', (image, parts) => expect(parseImageReference(image)).toEqual(parts));

  it('refuses a reference without a tag or digest', () => {
    expect(() => parseImageReference('127.0.0.1:5000/gantry/base/node')).toThrow(/not an image reference/);
  });
});
