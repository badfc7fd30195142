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

  it('names each bad variable without quoting its value', () => {
    const found = problems({
      GANTRY_REDIS_URL: 'http://user:hunter2@redis',
      GANTRY_QUEUE_PREFIX: '{x}',
      GANTRY_GITHUB_TOKEN: 't',
    });

    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^GANTRY_REDIS_URL /);
    expect(found[1]).toMatch(/^GANTRY_QUEUE_PREFIX /);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('asks for GitHub credentials when none are set, and for the rest of the App when only part is', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^GANTRY_GITHUB_TOKEN is not set/)]);
    expect(problems({ GANTRY_GITHUB_APP_ID: '12' })).toEqual([
      expect.stringMatching(/^GANTRY_GITHUB_APP_PRIVATE_KEY is not set/),
      expect.stringMatching(/^GANTRY_GITHUB_APP_INSTALLATION_ID is not set/),
    ]);
    expect(problems({ GANTRY_GITHUB_TOKEN: 't', GANTRY_GITHUB_APP_ID: '12' })).toEqual([
      expect.stringContaining('not both'),
    ]);
  });

  it('runs without a build stage unless GANTRY_BUILDER names a builder', () => {
    expect(readWorkerConfig({ GANTRY_GITHUB_TOKEN: 't' }).build).toBeUndefined();
    expect(readWorkerConfig({ GANTRY_GITHUB_TOKEN: 't', GANTRY_BUILDER: 'none' }).build).toBeUndefined();
  });

  it('refuses a builder this worker does not contain, and bad build settings, naming the variable', () => {
    expect(problems({ GANTRY_GITHUB_TOKEN: 't', GANTRY_BUILDER: 'docker' })).toEqual([
      expect.stringMatching(/^GANTRY_BUILDER must be none, local \(buildah\) or codebuild/),
    ]);
    expect(
      problems({ GANTRY_GITHUB_TOKEN: 't', GANTRY_BUILD_CONCURRENCY: '0', GANTRY_BUILD_TIMEOUT_SECONDS: 'x' }),
    ).toEqual([
      expect.stringMatching(/^GANTRY_BUILD_CONCURRENCY /),
      expect.stringMatching(/^GANTRY_BUILD_TIMEOUT_SECONDS /),
    ]);
  });
});
