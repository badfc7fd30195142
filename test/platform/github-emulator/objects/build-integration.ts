import { nodeId, type AppRecord } from '../emulator-state.js';
import { buildSimpleUser } from './build-user.js';
import type { EmulatorUrls } from './emulator-urls.js';

/** The app id the emulator reports for check runs created with a plain token (GitHub would demand an App). */
export const DEFAULT_APP: Pick<AppRecord, 'appId' | 'slug' | 'name' | 'ownerLogin' | 'createdAt'> = {
  appId: '1',
  slug: 'gantry-emulator',
  name: 'Gantry (GitHub emulator)',
  ownerLogin: 'gantry',
  createdAt: '2024-01-01T00:00:00Z',
};

/** A GitHub App as the `integration` schema describes it (the `app` of a check run). */
export function buildIntegration(
  urls: EmulatorUrls,
  app: Pick<AppRecord, 'appId' | 'slug' | 'name' | 'ownerLogin' | 'createdAt'>,
  ownerId: number,
) {
  const id = Number(app.appId);
  return {
    id,
    slug: app.slug,
    node_id: nodeId('Integration', id),
    client_id: `Iv1.${app.appId.padStart(16, '0')}`,
    owner: buildSimpleUser(urls, app.ownerLogin, ownerId, 'Organization'),
    name: app.name,
    description: null,
    external_url: `${urls.html}/apps/${app.slug}`,
    html_url: `${urls.html}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: {
      checks: 'write',
      statuses: 'write',
      deployments: 'write',
      pull_requests: 'write',
      metadata: 'read',
      contents: 'read',
    },
    events: ['push', 'pull_request'],
  };
}
