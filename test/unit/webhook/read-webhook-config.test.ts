import { availableParallelism } from 'node:os';
import { readWebhookConfig, WebhookConfigError } from '../../../webhook/read-webhook-config.js';

const secret = 's3cr3t-value';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    readWebhookConfig(env);
  } catch (error) {
    if (error instanceof WebhookConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a WebhookConfigError');
}

describe('readWebhookConfig', () => {
  it('fills in defaults around the one required variable', () => {
    expect(readWebhookConfig({ GANTRY_WEBHOOK_SECRET: secret })).toEqual({
      secret,
      redisUrl: 'redis://127.0.0.1:6379',
      port: 8080,
      queuePrefix: 'gantry',
      logLevel: 'info',
      workers: 1,
    });
  });

  it('reads every variable it knows', () => {
    const config = readWebhookConfig({ GANTRY_WEBHOOK_SECRET: secret, GANTRY_REDIS_URL: 'rediss://:pw@redis.internal:6380/2', PORT: '3000', GANTRY_QUEUE_PREFIX: 'shop_prod', GANTRY_LOG_LEVEL: 'debug' });

    expect(config).toMatchObject({ redisUrl: 'rediss://:pw@redis.internal:6380/2', port: 3000, queuePrefix: 'shop_prod', logLevel: 'debug' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('says which variable is missing and where its value comes from', () => {
    expect(problems({})).toEqual(['GANTRY_WEBHOOK_SECRET is required: set it to the secret entered in the GitHub webhook settings (Settings → Webhooks → Secret)']);
    expect(problems({ GANTRY_WEBHOOK_SECRET: '' })).toEqual(['GANTRY_WEBHOOK_SECRET is empty: set it to the secret entered in the GitHub webhook settings']);
  });

  it('lists every bad variable at once, never quoting a value', () => {
    const found = problems({ GANTRY_WEBHOOK_SECRET: secret, GANTRY_REDIS_URL: 'http://user:hunter2@redis', PORT: '80a', GANTRY_QUEUE_PREFIX: '{gantry}', GANTRY_LOG_LEVEL: 'loud' });

    expect(found.map((problem) => problem.split(' ')[0])).toEqual(['GANTRY_REDIS_URL', 'PORT', 'GANTRY_QUEUE_PREFIX', 'GANTRY_LOG_LEVEL']);
    expect(found.join('\n')).not.toMatch(/hunter2|80a|loud|s3cr3t/);
  });

  it('refuses a port out of range rather than reading it as NaN or 0', () => {
    expect(problems({ GANTRY_WEBHOOK_SECRET: secret, PORT: '70000' })).toEqual(['PORT must be a port number from 0 to 65535, for example 8080']);
    expect(problems({ GANTRY_WEBHOOK_SECRET: secret, PORT: '' })[0]).toMatch(/^PORT must be a port number/);
  });

  it('reads GANTRY_WEBHOOK_WORKERS as a count, or auto as one per CPU, and refuses anything else', () => {
    expect(readWebhookConfig({ GANTRY_WEBHOOK_SECRET: secret, GANTRY_WEBHOOK_WORKERS: '2' }).workers).toBe(2);
    expect(readWebhookConfig({ GANTRY_WEBHOOK_SECRET: secret, GANTRY_WEBHOOK_WORKERS: 'auto' }).workers).toBe(availableParallelism());
    for (const value of ['0', 'two', '', '1000'])
      expect(problems({ GANTRY_WEBHOOK_SECRET: secret, GANTRY_WEBHOOK_WORKERS: value })).toEqual([
        'GANTRY_WEBHOOK_WORKERS must be a number of processes from 1 to 256, or auto (one per CPU), for example 2',
      ]);
  });
});
