// Child process of bench/webhook-ingest.ts: the load generator, in its own process so it never shares an event
// loop with the webhook. Closed loop: `concurrency` keep-alive connections, each sending the next delivery as soon as
// the previous answer is in, for a warm-up and then a measured window.
//
// Deliveries are what GitHub sends for a push: a payload from the GitHub emulator's builder (a real example
// retargeted; 1-3 commits, 8 repositories, 3 branches), GitHub's headers, a unique UUID in X-GitHub-Delivery and
// valid X-Hub-Signature-256 / X-Hub-Signature. A pool of distinct payloads is built and signed before the clock
// starts (a signature covers the body only, so each body is signed once); every request gets its own delivery id,
// so every one is verified and stored as its own plan job.
//
// Input: one JSON argument (LoadSettings) and the webhook secret in BENCH_WEBHOOK_SECRET (kept off the command line).
// Output: one JSON line (LoadResult) on stdout.
import { randomBytes, randomUUID } from 'node:crypto';
import { buildPushPayload, signWebhookBody } from '../test/platform/github-emulator/index.js';
import { RawHttpConnection } from './raw-http-connection.js';

/** What the parent asks for. */
export interface LoadSettings {
  readonly port: number;
  readonly concurrency: number;
  readonly warmupS: number;
  readonly durationS: number;
}

/** What the generator saw. */
export interface LoadResult {
  /** Responses completed inside the measured window. */
  readonly windowCompleted: number;
  readonly windowMs: number;
  /** Latency of each response completed in the window, ms, from the first byte written to the last byte read. */
  readonly latenciesMs: number[];
  /** Every response (warm-up, window, and the requests still in flight at the end), by HTTP status. */
  readonly statuses: Record<string, number>;
  /** Requests that got no HTTP answer (connection closed or refused). */
  readonly transportErrors: number;
  /** The generator's own CPU time while sending, ms. */
  readonly cpuMs: number;
  /** Mean request size, bytes (headers and body). */
  readonly meanRequestBytes: number;
}

interface Prepared {
  readonly body: Buffer;
  readonly sha256: string;
  readonly sha1: string;
}

const POOL = 256;
const REPOSITORIES = ['shop', 'payments', 'search', 'catalog', 'checkout', 'accounts', 'inventory', 'gateway'];
const BRANCHES = ['main', 'main', 'release'];

function hex40(): string {
  return randomBytes(20).toString('hex');
}

function preparePool(secret: string): Prepared[] {
  return Array.from({ length: POOL }, (_, i) => {
    const name = REPOSITORIES[i % REPOSITORIES.length]!;
    const commits = Array.from({ length: 1 + (i % 3) }, (_, c) => ({
      id: hex40(),
      message: `${name}: change ${i}.${c}`,
      modified: [`apps/${name}/deployment.yaml`, `environments/staging/${name}.yaml`].slice(0, 1 + (c % 2)),
    }));
    const payload = buildPushPayload({
      repository: { owner: 'octo-org', name },
      ref: `refs/heads/${BRANCHES[i % BRANCHES.length]!}`,
      before: hex40(),
      after: commits.at(-1)!.id,
      commits,
      installationId: 4242,
    });
    const body = Buffer.from(JSON.stringify(payload));
    const { sha256, sha1 } = signWebhookBody(secret, body);
    return { body, sha256, sha1 };
  });
}

function head(port: number, delivery: Prepared, deliveryId: string): string {
  return (
    'POST /webhooks/github HTTP/1.1\r\n' +
    `Host: 127.0.0.1:${port}\r\n` +
    'User-Agent: GitHub-Hookshot/bench\r\n' +
    'Accept: */*\r\n' +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${delivery.body.length}\r\n` +
    'X-GitHub-Event: push\r\n' +
    `X-GitHub-Delivery: ${deliveryId}\r\n` +
    'X-GitHub-Hook-ID: 424242\r\n' +
    'X-GitHub-Hook-Installation-Target-ID: 4242\r\n' +
    'X-GitHub-Hook-Installation-Target-Type: integration\r\n' +
    `X-Hub-Signature: ${delivery.sha1}\r\n` +
    `X-Hub-Signature-256: ${delivery.sha256}\r\n\r\n`
  );
}

async function run(settings: LoadSettings): Promise<LoadResult> {
  const pool = preparePool(process.env.BENCH_WEBHOOK_SECRET ?? '');
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let transportErrors = 0;
  let next = 0;
  let bytes = 0;
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const windowStart = start + settings.warmupS * 1000;
  const windowEnd = windowStart + settings.durationS * 1000;

  async function connectionLoop(): Promise<void> {
    const connection = new RawHttpConnection('127.0.0.1', settings.port);
    while (performance.now() < windowEnd) {
      const delivery = pool[next++ % pool.length]!;
      const text = head(settings.port, delivery, randomUUID());
      bytes += text.length + delivery.body.length;
      sent += 1;
      const t0 = performance.now();
      try {
        const { status } = await connection.request(text, delivery.body);
        const t1 = performance.now();
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (t1 >= windowStart && t1 < windowEnd) latenciesMs.push(t1 - t0);
      } catch {
        transportErrors += 1;
      }
    }
    connection.close();
  }

  await Promise.all(Array.from({ length: settings.concurrency }, connectionLoop));
  const cpu = process.cpuUsage(cpu0);
  return {
    windowCompleted: latenciesMs.length,
    windowMs: windowEnd - windowStart,
    latenciesMs: latenciesMs.map((ms) => Math.round(ms * 1000) / 1000),
    statuses,
    transportErrors,
    cpuMs: (cpu.user + cpu.system) / 1000,
    meanRequestBytes: Math.round(bytes / Math.max(1, sent)),
  };
}

const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;
process.stdout.write(`${JSON.stringify(await run(settings))}\n`);
