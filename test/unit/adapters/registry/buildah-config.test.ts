import { homedir } from 'node:os';
import { join } from 'node:path';
import { BuildahConfigError, readBuildahConfig } from '../../../../adapters/registry/index.js';

const base = {
  GANTRY_REGISTRY: '127.0.0.1:5000',
  GANTRY_BUILD_BASE_IMAGE: '127.0.0.1:5000/gantry/base/node:18-bookworm',
};

describe('readBuildahConfig', () => {
  it('reads the registry and base image and defaults the rest (a loopback registry is insecure)', () => {
    expect(readBuildahConfig(base)).toEqual({
      registry: '127.0.0.1:5000',
      insecure: true,
      baseImage: '127.0.0.1:5000/gantry/base/node:18-bookworm',
      storageDir: join(homedir(), '.cache', 'gantry', 'buildah'),
      concurrency: 2,
      buildah: 'buildah',
    });
  });

  it('talks TLS to a registry that is not on loopback unless told otherwise', () => {
    const remote = {
      GANTRY_REGISTRY: 'registry.internal:443',
      GANTRY_BUILD_BASE_IMAGE: 'registry.internal:443/base/node:20',
    };
    expect(readBuildahConfig(remote).insecure).toBe(false);
    expect(readBuildahConfig({ ...remote, GANTRY_REGISTRY_INSECURE: 'true' }).insecure).toBe(true);
    expect(readBuildahConfig({ ...base, GANTRY_REGISTRY_INSECURE: 'false' }).insecure).toBe(false);
  });

  it('takes the storage dir, concurrency and buildah command from the environment', () => {
    const config = readBuildahConfig({
      ...base,
      GANTRY_BUILD_STORAGE: '/var/lib/b',
      GANTRY_BUILD_CONCURRENCY: '4',
      GANTRY_BUILDAH: '/opt/buildah',
    });
    expect(config).toMatchObject({ storageDir: '/var/lib/b', concurrency: 4, buildah: '/opt/buildah' });
  });

  it.each([
    [{}, /GANTRY_REGISTRY is not set[\s\S]*GANTRY_BUILD_BASE_IMAGE is not set/],
    [
      { ...base, GANTRY_REGISTRY: 'http://127.0.0.1:5000' },
      /GANTRY_REGISTRY must be a registry host\[:port\] without a scheme/,
    ],
    [{ ...base, GANTRY_BUILD_CONCURRENCY: '0' }, /GANTRY_BUILD_CONCURRENCY must be a whole number ≥ 1/],
    [{ ...base, GANTRY_BUILD_CONCURRENCY: 'two' }, /GANTRY_BUILD_CONCURRENCY must be a whole number ≥ 1/],
    [
      { ...base, GANTRY_BUILD_BASE_IMAGE: 'docker.io/library/node:20' },
      /GANTRY_BUILD_BASE_IMAGE must be an image in GANTRY_REGISTRY \(127\.0\.0\.1:5000\/…\)/,
    ],
  ])('refuses %j naming the variable', (env, message) => {
    let error: unknown;
    try {
      readBuildahConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BuildahConfigError);
    expect((error as Error).message).toMatch(message);
  });
});
