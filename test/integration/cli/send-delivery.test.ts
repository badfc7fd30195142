// `gantry send-delivery` against the real webhook service (its handler and queues over the platform's Redis).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { CommandIo } from '../../../cli/command-io.js';
import { runSendDelivery } from '../../../cli/send-delivery.js';
import { planJobSchema } from '../../../adapters/queue/plan-job.js';
import { PLAN_QUEUE } from '../../../adapters/queue/queue-names.js';
import { openRedisKit, sha, type RedisKit } from '../queue/queue-test-kit.js';
import { SECRET, startWebhook, type RunningWebhook } from '../webhook/webhook-test-kit.js';

const CLONE_URL = 'https://git.example/octo-org/shop.git';

async function send(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: tmpdir() };
  const code = await runSendDelivery(args, io);
  return { code, stdout, stderr };
}

/** The delivery id the command printed (`push delivery <id> to <url>: ...`). */
const deliveryIdOf = (stdout: string) => /delivery (\S+) to /.exec(stdout)?.[1] ?? '';

describe('gantry send-delivery: a signed delivery to the webhook service', () => {
  let kit: RedisKit;
  let webhook: RunningWebhook;
  let plan: Queue;
  let secretDir: string;
  const variable = 'GANTRY_TEST_SEND_DELIVERY_SECRET';

  beforeAll(async () => {
    kit = await openRedisKit('send-delivery');
    webhook = await startWebhook(kit.producer, kit.prefix);
    plan = new Queue(PLAN_QUEUE, { connection: kit.producer, prefix: kit.prefix });
    secretDir = mkdtempSync(join(tmpdir(), 'gantry-secret-'));
    process.env[variable] = SECRET;
  });
  afterAll(async () => {
    delete process.env[variable];
    rmSync(secretDir, { recursive: true });
    await plan.close();
    await webhook.close();
    await kit.cleanup();
  });

  const pushArgs = (after: string) => [
    'push',
    '--url',
    webhook.url,
    '--repo',
    'octo-org/shop',
    '--ref',
    'refs/heads/main',
    '--sha',
    after,
    '--clone-url',
    CLONE_URL,
  ];

  it('sends a push the webhook accepts and stores as a plan job, with the secret from a variable', async () => {
    const run = await send([...pushArgs(sha(21)), '--secret-env', variable]);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/: 202 \{"accepted":true/);
    const job = planJobSchema.parse((await plan.getJob(deliveryIdOf(run.stdout)))?.data);
    expect(job).toMatchObject({
      event: 'push',
      payload: {
        ref: 'refs/heads/main',
        before: '0'.repeat(40),
        after: sha(21),
        repository: { full_name: 'octo-org/shop', clone_url: CLONE_URL },
      },
    });
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('sends a pull_request the webhook accepts, with the secret from a file', async () => {
    const file = join(secretDir, 'secret');
    writeFileSync(file, `${SECRET}\n`);

    const run = await send([
      'pull_request',
      '--url',
      webhook.url,
      '--repo',
      'octo-org/shop',
      '--number',
      '7',
      '--ref',
      'feature/cart',
      '--sha',
      sha(22),
      '--base-ref',
      'main',
      '--base-sha',
      sha(23),
      '--clone-url',
      CLONE_URL,
      '--secret-file',
      file,
    ]);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const job = planJobSchema.parse((await plan.getJob(deliveryIdOf(run.stdout)))?.data);
    expect(job).toMatchObject({
      event: 'pull_request',
      payload: {
        action: 'synchronize',
        number: 7,
        pull_request: { head: { ref: 'feature/cart', sha: sha(22) }, base: { ref: 'main', sha: sha(23) } },
      },
    });
  });

  it('redelivers with --delivery-id: the webhook answers duplicate', async () => {
    const first = await send([...pushArgs(sha(24)), '--secret-env', variable]);
    const again = await send([
      ...pushArgs(sha(24)),
      '--secret-env',
      variable,
      '--delivery-id',
      deliveryIdOf(first.stdout),
    ]);

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 200 \{"duplicate":true/);
  });

  it('exits 1 with the webhook answer when the secret is wrong, never printing either secret', async () => {
    process.env['GANTRY_TEST_WRONG_SECRET'] = 'not-the-secret';
    try {
      const run = await send([...pushArgs(sha(25)), '--secret-env', 'GANTRY_TEST_WRONG_SECRET']);

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/: 401 .*X-Hub-Signature-256 does not match the body/);
      expect(run.stdout + run.stderr).not.toMatch(/not-the-secret|Secret to Everybody/);
    } finally {
      delete process.env['GANTRY_TEST_WRONG_SECRET'];
    }
  });

  it('refuses to send without a secret, or with a short sha, naming what to fix', async () => {
    const noSecret = await send([...pushArgs(sha(26)), '--secret-env', 'GANTRY_TEST_UNSET_SECRET']);
    const shortSha = await send([...pushArgs('abc123'), '--secret-env', variable]);

    expect(noSecret).toMatchObject({ code: 1, stdout: '' });
    expect(noSecret.stderr).toMatch(/GANTRY_TEST_UNSET_SECRET is not set/);
    expect(shortSha).toMatchObject({ code: 1, stdout: '' });
    expect(shortSha.stderr).toMatch(/--sha must be a full 40-digit lowercase commit id/);
  });
});
