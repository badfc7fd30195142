// The three sample programs run as real processes on loopback ports and call each other the way they do in the
// cluster (orders → catalog, storefront → catalog and orders), just with URLs instead of Service DNS names.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/paths.js';

interface Service {
  readonly process: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** Starts apps/<app>/src/server.js on a free port and resolves once it logs that it listens. */
function start(app: string, env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', app, 'src/server.js')], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', DRAIN_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n').slice(0, -1)) {
        const entry = JSON.parse(line) as { msg: string; port?: number };
        if (entry.msg === 'listening') resolve({ process: child, url: `http://127.0.0.1:${entry.port}`, exited });
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    void exited.then((code) => reject(new Error(`${app} exited with ${code} before listening`)));
  });
}

// Response bodies are checked field by field; typing each would only restate the servers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Loose }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

/** Polls /readyz like the kubelet until the service is ready (orders opens its order book after listening). */
async function ready(service: Service): Promise<Service> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await fetch(`${service.url}/readyz`)).status === 200) return service;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${service.url} never became ready`);
}

describe('the sample services', () => {
  let dataDir: string;
  let catalog: Service;
  let orders: Service;
  let storefront: Service;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-orders-'));
    catalog = await ready(await start('catalog', { ENVIRONMENT: 'test' }));
    orders = await ready(await start('orders', { CATALOG_URL: catalog.url, DATA_DIR: dataDir }));
    storefront = await ready(
      await start('storefront', {
        CATALOG_URL: catalog.url,
        ORDERS_URL: orders.url,
        SESSION_SECRET: 'test-only-session-secret',
        ENVIRONMENT: 'test',
      }),
    );
  });

  afterAll(async () => {
    for (const service of [storefront, orders, catalog]) service?.process.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['catalog', 'orders', 'storefront'])('%s answers its health and readiness probes', async (name) => {
    const service = { catalog, orders, storefront }[name]!;
    expect(await getJson(`${service.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await getJson(`${service.url}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('catalog serves its items and 404s an unknown one', async () => {
    const { status, body } = await getJson(`${catalog.url}/items`);
    expect(status).toBe(200);
    expect(body.environment).toBe('test');
    expect(body.items.map((item: { id: string }) => item.id)).toContain('sku-1001');
    expect((await getJson(`${catalog.url}/items/sku-0000`)).status).toBe(404);
  });

  it('catalog counts its requests by status code and their durations for Prometheus, probes and scrapes left out', async () => {
    const scrape = async () => {
      const res = await fetch(`${catalog.url}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await res.text();
      const value = (series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm'))?.[1] ?? 0);
      return {
        ok: value('http_requests_total{code="200"}'),
        notFound: value('http_requests_total{code="404"}'),
        count: value('http_request_duration_seconds_count'),
        inf: value('http_request_duration_seconds_bucket{le="+Inf"}'),
        slowest: value('http_request_duration_seconds_bucket{le="10"}'),
      };
    };
    const before = await scrape();
    await fetch(`${catalog.url}/items`);
    await fetch(`${catalog.url}/items/sku-0000`);
    await fetch(`${catalog.url}/healthz`);
    await fetch(`${catalog.url}/readyz`);
    const after = await scrape();
    expect(after.ok - before.ok).toBe(1);
    expect(after.notFound - before.notFound).toBe(1);
    expect(after.count - before.count).toBe(2);
    expect(after.inf).toBe(after.count);
    expect(after.slowest).toBe(after.count);
  });

  it('orders takes an order for a catalog item, keeps it on disk, and lists it with the item name from catalog', async () => {
    const created = await getJson(`${orders.url}/orders`, {
      method: 'POST',
      body: JSON.stringify({ itemId: 'sku-1003', quantity: 2 }),
    });
    expect(created.status).toBe(201);
    const stored = JSON.parse(await readFile(join(dataDir, 'orders.json'), 'utf8'));
    expect(stored).toEqual([expect.objectContaining({ id: created.body.id, itemId: 'sku-1003', quantity: 2 })]);
    const listed = await getJson(`${orders.url}/orders`);
    expect(listed.body.orders).toEqual([expect.objectContaining({ id: created.body.id, itemName: 'Burr grinder' })]);
  });

  it('orders refuses an item the catalog does not sell, and a bad quantity', async () => {
    const unknown = await getJson(`${orders.url}/orders`, {
      method: 'POST',
      body: JSON.stringify({ itemId: 'sku-9999', quantity: 1 }),
    });
    expect(unknown).toEqual({ status: 422, body: { error: 'catalog has no item sku-9999' } });
    const bad = await getJson(`${orders.url}/orders`, {
      method: 'POST',
      body: JSON.stringify({ itemId: 'sku-1001', quantity: 0 }),
    });
    expect(bad.status).toBe(422);
  });

  it('storefront combines catalog and orders and signs a visitor cookie it then recognizes', async () => {
    const first = await fetch(`${storefront.url}/api/storefront`);
    const body = (await first.json()) as {
      items: unknown[];
      recentOrders: unknown[];
      degraded: string[];
      visitor: string;
    };
    expect(first.status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.recentOrders.length).toBeGreaterThan(0);
    expect(body.degraded).toEqual([]);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const again = await fetch(`${storefront.url}/api/storefront`, { headers: { cookie } });
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as { visitor: string }).visitor).toBe(body.visitor);
    const forged = await fetch(`${storefront.url}/api/storefront`, {
      headers: { cookie: `visitor=${body.visitor}.forged` },
    });
    expect(forged.headers.get('set-cookie')).not.toBeNull();
  });

  it('storefront refuses to start without a session secret', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/storefront/src/server.js')], {
      env: { PATH: process.env['PATH'] ?? '', PORT: '0' },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
  });

  it('orders reports itself not ready and exits cleanly after SIGTERM (last, it stops the service)', async () => {
    orders.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await getJson(`${orders.url}/readyz`)).toEqual({ status: 503, body: { status: 'not ready' } });
    expect(await orders.exited).toBe(0);
    const degraded = await getJson(`${storefront.url}/api/storefront`);
    expect(degraded.status).toBe(200);
    expect(degraded.body.degraded).toEqual(['orders']);
  });
});
