// orders: takes and lists orders. It asks catalog (by its Service DNS name, from CATALOG_URL) about every item, so
// an order never names an item the catalog does not sell.
import { HttpError, fetchJson, intFromEnv, log, readJson, sendJson, startService } from './http-kit.js';
import { OrderStore } from './order-store.js';

const app = 'orders';
const catalogUrl = process.env.CATALOG_URL ?? 'http://catalog';
const store = new OrderStore(process.env.DATA_DIR ?? '/var/lib/orders');
let opened = false;

/** @param {unknown} body */
function parseOrder(body) {
  const { itemId, quantity } = /** @type {Record<string, unknown>} */ (body ?? {});
  if (typeof itemId !== 'string' || !/^[\w-]+$/.test(itemId))
    throw new HttpError(422, 'itemId must be an item id such as "sku-1001"');
  if (!Number.isInteger(quantity) || /** @type {number} */ (quantity) < 1 || /** @type {number} */ (quantity) > 100) {
    throw new HttpError(422, 'quantity must be an integer from 1 to 100');
  }
  return { itemId, quantity: /** @type {number} */ (quantity) };
}

startService({
  app,
  port: intFromEnv('PORT', 8080),
  drainMs: intFromEnv('DRAIN_MS', 5_000),
  isReady: () => opened,
  async handle(req, url, res) {
    if (url.pathname !== '/orders') return false;
    if (req.method === 'GET') {
      const { items } = /** @type {{ items: { id: string, name: string }[] }} */ (
        await fetchJson(`${catalogUrl}/items`)
      );
      const names = new Map(items.map((item) => [item.id, item.name]));
      const orders = store.list().map((order) => ({ ...order, itemName: names.get(order.itemId) ?? null }));
      sendJson(res, 200, { orders });
      return true;
    }
    if (req.method === 'POST') {
      const { itemId, quantity } = parseOrder(await readJson(req));
      try {
        await fetchJson(`${catalogUrl}/items/${encodeURIComponent(itemId)}`);
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) throw new HttpError(422, `catalog has no item ${itemId}`);
        throw err;
      }
      sendJson(res, 201, await store.add(itemId, quantity));
      return true;
    }
    return false;
  },
});

store.open().then(
  () => {
    opened = true;
    log(app, { level: 'info', msg: 'order book open', file: store.file, orders: store.list().length });
  },
  (err) => {
    // Not ready, not dead: the readiness probe keeps traffic away and the logs say why.
    log(app, { level: 'error', msg: 'cannot open the order book', file: store.file, error: String(err) });
  },
);
