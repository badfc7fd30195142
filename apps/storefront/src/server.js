// storefront: the page data a shop front end needs, assembled from catalog (items) and orders (recent orders), both
// called by their Service DNS names. Without the catalog there is nothing to sell (502); without orders the page
// still renders and says what is missing.
import { HttpError, fetchJson, intFromEnv, log, sendJson, startService } from './http-kit.js';
import { visitorFrom } from './visitor-cookie.js';

const app = 'storefront';
const catalogUrl = process.env.CATALOG_URL ?? 'http://catalog';
const ordersUrl = process.env.ORDERS_URL ?? 'http://orders';
const sessionSecret = process.env.SESSION_SECRET ?? '';
if (sessionSecret.length < 16) {
  // Fail at start rather than sign cookies with a guessable key.
  log(app, {
    level: 'fatal',
    msg: 'SESSION_SECRET must be set to at least 16 characters (it comes from the storefront-session Secret)',
  });
  process.exit(1);
}

startService({
  app,
  port: intFromEnv('PORT', 8080),
  drainMs: intFromEnv('DRAIN_MS', 5_000),
  async handle(req, url, res) {
    if (req.method !== 'GET' || url.pathname !== '/api/storefront') return false;
    const [catalog, orders] = await Promise.allSettled([
      fetchJson(`${catalogUrl}/items`),
      fetchJson(`${ordersUrl}/orders`),
    ]);
    if (catalog.status === 'rejected')
      throw new HttpError(502, `catalog: ${String(catalog.reason?.message ?? catalog.reason)}`);
    const visitor = visitorFrom(sessionSecret, req.headers.cookie);
    if (visitor.setCookie) res.setHeader('set-cookie', visitor.setCookie);
    sendJson(res, 200, {
      environment: process.env.ENVIRONMENT ?? 'unknown',
      visitor: visitor.id,
      items: /** @type {{ items: unknown[] }} */ (catalog.value).items,
      recentOrders:
        orders.status === 'fulfilled' ? /** @type {{ orders: unknown[] }} */ (orders.value).orders.slice(-5) : [],
      degraded: orders.status === 'rejected' ? ['orders'] : [],
    });
    return true;
  },
});
