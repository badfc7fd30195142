// catalog: serves the shop's items. GET /items lists them, GET /items/<id> returns one.
import { intFromEnv, log, sendJson, startService } from './http-kit.js';
import { items } from './items.js';

const app = 'catalog';

startService({
  app,
  port: intFromEnv('PORT', 8080),
  drainMs: intFromEnv('DRAIN_MS', 5_000),
  async handle(req, url, res) {
    if (req.method !== 'GET') return false;
    if (url.pathname === '/items') {
      sendJson(res, 200, { items, environment: process.env.ENVIRONMENT ?? 'unknown' });
      return true;
    }
    const match = /^\/items\/([\w-]+)$/.exec(url.pathname);
    if (match) {
      const item = items.find((candidate) => candidate.id === match[1]);
      sendJson(res, item ? 200 : 404, item ?? { error: `no item ${match[1]}` });
      return true;
    }
    return false;
  },
});
log(app, { level: 'info', msg: 'starting', items: items.length });
