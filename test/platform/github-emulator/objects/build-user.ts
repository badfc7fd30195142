import { nodeId } from '../emulator-state.js';
import type { EmulatorUrls } from './emulator-urls.js';

/** A `simple-user` as GitHub returns it; `Bot` for a GitHub App's `<slug>[bot]` identity. */
export function buildSimpleUser(
  urls: EmulatorUrls,
  login: string,
  id: number,
  type: 'User' | 'Organization' | 'Bot' = 'User',
) {
  const api = `${urls.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type === 'Bot' ? 'Bot' : 'User', id),
    avatar_url: `${urls.html}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.html}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The JSON shape of {@link buildSimpleUser}. */
export type SimpleUser = ReturnType<typeof buildSimpleUser>;
