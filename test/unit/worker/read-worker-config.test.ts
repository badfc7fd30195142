import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkerConfig, WorkerConfigError } from '../../../worker/read-worker-config.js';

const problems = (env: NodeJS.ProcessEnv): readonly string[] => {
  try {
    readWorkerConfig(env);
  } catch (error) {
    if (error instanceof WorkerConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a WorkerConfigError');
};

describe('readWorkerConfig: the worker configuration from the environment', () => {
  it('reads a token configuration with defaults for the rest', () => {
    const config = readWorkerConfig({
      GANTRY_GITHUB_TOKEN: 'ghp_x',
      GANTRY_GITHUB_URL: 'https://ghe.example.com/api/v3',
      KUBECONFIG: '/k/config',
    });

    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'gantry',
      kubeconfig: '/k/config',
      github: { baseUrl: 'https://ghe.example.com/api/v3', auth: { type: 'token', token: 'ghp_x' } },
      logLevel: 'info',
    });
  });

  it('passes GANTRY_GITHUB_WRITE_INTERVAL_MS to the GitHub adapter, and refuses one that is not 0 to 60000 ms', () => {
    const base = { GANTRY_GITHUB_TOKEN: 't', KUBECONFIG: '/k/config' };
    expect(readWorkerConfig({ ...base, GANTRY_GITHUB_WRITE_INTERVAL_MS: '0' }).github).toMatchObject({
      writeIntervalMs: 0,
    });
    expect(readWorkerConfig(base).github).not.toHaveProperty('writeIntervalMs');
    for (const bad of ['-1', '1.5', 'soon', '60001'])
      expect(problems({ ...base, GANTRY_GITHUB_WRITE_INTERVAL_MS: bad })).toEqual([
        expect.stringMatching(
          /^GANTRY_GITHUB_WRITE_INTERVAL_MS must be a whole number of milliseconds from 0 to 60000/,
        ),
      ]);
  });

  it('names each bad variable without quoting its value', () => {
    const found = problems({
      GANTRY_REDIS_URL: 'http://user:hunter2@redis',
      GANTRY_QUEUE_PREFIX: '{x}',
      GANTRY_GITHUB_TOKEN: 't',
      KUBECONFIG: '/k/config',
    });

    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^GANTRY_REDIS_URL /);
    expect(found[1]).toMatch(/^GANTRY_QUEUE_PREFIX /);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('asks for GitHub credentials when none are set, and for the rest of the App when only part is', () => {
    const kube = { KUBECONFIG: '/k/config' };
    expect(problems({ ...kube })).toEqual([expect.stringMatching(/^GANTRY_GITHUB_TOKEN is not set/)]);
    expect(problems({ ...kube, GANTRY_GITHUB_APP_ID: '12' })).toEqual([
      expect.stringMatching(/^GANTRY_GITHUB_APP_PRIVATE_KEY is not set/),
      expect.stringMatching(/^GANTRY_GITHUB_APP_INSTALLATION_ID is not set/),
    ]);
    expect(problems({ ...kube, GANTRY_GITHUB_TOKEN: 't', GANTRY_GITHUB_APP_ID: '12' })).toEqual([
      expect.stringContaining('not both'),
    ]);
  });

  it('lists every problem at once: a bad variable does not hide the missing token or the missing kubeconfig', () => {
    const home = mkdtempSync(join(tmpdir(), 'gantry-no-kube-'));
    try {
      expect(problems({ HOME: home, GANTRY_REDIS_URL: 'http://redis', GANTRY_LOG_LEVEL: 'loud' })).toEqual([
        expect.stringMatching(/^GANTRY_REDIS_URL /),
        expect.stringMatching(/^GANTRY_LOG_LEVEL /),
        expect.stringMatching(/^GANTRY_GITHUB_TOKEN is not set/),
        expect.stringMatching(
          new RegExp(`^KUBECONFIG is not set, and no kubeconfig found: .*${home}/\\.kube/config does not exist`),
        ),
      ]);
    } finally {
      rmSync(home, { recursive: true });
    }
  });

  it('takes ~/.kube/config when KUBECONFIG is not set', () => {
    const home = mkdtempSync(join(tmpdir(), 'gantry-kube-'));
    try {
      mkdirSync(join(home, '.kube'));
      writeFileSync(
        join(home, '.kube', 'config'),
        'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n',
      );
      expect(readWorkerConfig({ HOME: home, GANTRY_GITHUB_TOKEN: 't' }).kubeconfig).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true });
    }
  });

  const base = { GANTRY_GITHUB_TOKEN: 't', KUBECONFIG: '/k/config' };

  it('reads how many plan jobs run at once, and refuses a count that is not a whole number from 1', () => {
    expect(readWorkerConfig(base).planConcurrency).toBeUndefined();
    expect(readWorkerConfig({ ...base, GANTRY_PLAN_CONCURRENCY: '8' }).planConcurrency).toBe(8);
    expect(problems({ ...base, GANTRY_PLAN_CONCURRENCY: '0' })).toEqual([expect.stringMatching(/^GANTRY_PLAN_CONCURRENCY must be a whole number/)]);
    expect(problems({ ...base, GANTRY_PLAN_CONCURRENCY: 'four' })).toEqual([expect.stringMatching(/^GANTRY_PLAN_CONCURRENCY /)]);
  });

  it('runs without a build stage unless GANTRY_BUILDER names a builder', () => {
    expect(readWorkerConfig(base).build).toBeUndefined();
    expect(readWorkerConfig({ ...base, GANTRY_BUILDER: 'none' }).build).toBeUndefined();
  });

  it("reads the local builder's settings with the stage's own", () => {
    const config = readWorkerConfig({
      ...base,
      GANTRY_BUILDER: 'local',
      GANTRY_REGISTRY: '127.0.0.1:5000',
      GANTRY_BUILD_BASE_IMAGE: '127.0.0.1:5000/gantry/base/node:18-bookworm',
      GANTRY_BUILD_CONCURRENCY: '3',
      GANTRY_BUILD_TIMEOUT_SECONDS: '600',
    });
    expect(config.build).toMatchObject({
      builder: 'local',
      local: { registry: '127.0.0.1:5000', baseImage: '127.0.0.1:5000/gantry/base/node:18-bookworm' },
      concurrency: 3,
      timeoutMs: 600_000,
    });
  });

  it("names the builder's missing settings, an unknown builder and bad build settings", () => {
    expect(problems({ ...base, GANTRY_BUILDER: 'local' })).toEqual([
      expect.stringMatching(/^GANTRY_BUILDER=local: GANTRY_REGISTRY is not set/),
      expect.stringMatching(/^GANTRY_BUILDER=local: GANTRY_BUILD_BASE_IMAGE is not set/),
    ]);
    expect(problems({ ...base, GANTRY_BUILDER: 'codebuild' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GANTRY_BUILDER=codebuild: GANTRY_AWS_ACCOUNT_ID /)]),
    );
    expect(problems({ ...base, GANTRY_BUILDER: 'docker' })).toEqual([
      expect.stringMatching(/^GANTRY_BUILDER must be none, local \(buildah\) or codebuild/),
    ]);
    expect(problems({ ...base, GANTRY_BUILD_CONCURRENCY: '0', GANTRY_BUILD_TIMEOUT_SECONDS: 'x' })).toEqual([
      expect.stringMatching(/^GANTRY_BUILD_CONCURRENCY /),
      expect.stringMatching(/^GANTRY_BUILD_TIMEOUT_SECONDS /),
    ]);
  });
});
