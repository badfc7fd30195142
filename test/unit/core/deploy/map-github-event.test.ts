import { createRequire } from 'node:module';
import type { EventDecision, GitHubDelivery } from '../../../../core/deploy/map-github-event.js';
import { mapGitHubEvent } from '../../../../core/deploy/map-github-event.js';
import type { EnvSelector } from '../../../../core/deploy/select-environments.js';

// Real payloads GitHub sent (npm @octokit/webhooks-examples), adjusted per case: the mapper must read GitHub's
// shapes, not shapes we imagined.
interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];
function example(event: string, pick: (payload: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found = examples.find((set) => set.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example matches`);
  return structuredClone(found);
}
const branchPush = () => example('push', (p) => p['ref'] === 'refs/heads/master' && p['deleted'] === false);
const pullRequest = (action: string) => {
  const payload = example('pull_request', (p) => p['action'] === 'opened');
  payload['action'] = action;
  return payload;
};

const env = (name: string, branch: string, preview = false): EnvSelector => ({
  name,
  branch,
  namespace: `shop-${name}`,
  preview: { enabled: preview, namespacePrefix: `shop-${name}-pr-` },
});
const environments = [env('staging', 'master', true), env('dev', 'master'), env('production', 'release')];
const delivery = (event: string, payload: unknown): GitHubDelivery => ({
  event,
  deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  payload,
  receivedAt: '2026-03-01T10:00:00.000Z',
});
const map = (event: string, payload: unknown, envs = environments): EventDecision => mapGitHubEvent(delivery(event, payload), envs);

describe('mapGitHubEvent for pushes', () => {
  it('asks to deploy every environment that follows the pushed branch, in name order', () => {
    const decision = map('push', branchPush());
    expect(decision.kind).toBe('deploy');
    if (decision.kind !== 'deploy') return;
    expect(decision.requests.map((r) => r.environment)).toEqual(['dev', 'staging']);
    expect(decision.requests[0]).toEqual({
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      repo: { owner: 'Codertocat', name: 'Hello-World', cloneUrl: 'https://github.com/Codertocat/Hello-World.git' },
      ref: 'refs/heads/master',
      sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      before: '0000000000000000000000000000000000000000',
      trigger: { kind: 'push' },
      environment: 'dev',
      mode: 'apply',
      target: { kind: 'environment' },
      requestedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it.each([
    ['a tag push', { ref: 'refs/tags/v1.2.0' }, 'tag', 'tag v1.2.0'],
    ['a branch deletion flagged deleted', { deleted: true, after: '0000000000000000000000000000000000000000' }, 'branch-deleted', 'deleted branch master'],
    ['a push whose after is all zeros', { deleted: undefined, after: '0000000000000000000000000000000000000000' }, 'branch-deleted', 'deleted branch master'],
    ['a push to a branch nobody follows', { ref: 'refs/heads/feature/x' }, 'no-environment', 'master → dev, staging; release → production'],
    ['a push to a non-branch ref', { ref: 'refs/notes/commits' }, 'not-a-branch', 'refs/notes/commits'],
  ])('ignores %s, saying why', (_name, change, reason, message) => {
    const decision = map('push', { ...branchPush(), ...change });
    expect(decision).toMatchObject({ kind: 'ignore', reason });
    expect(decision.kind === 'ignore' && decision.message).toContain(message);
  });

  it('says so when no environments are configured at all', () => {
    expect(map('push', branchPush(), [])).toMatchObject({ kind: 'ignore', message: expect.stringContaining('no environments are configured') });
  });

  it.each([
    ['a missing ref', { ref: undefined }, 'ref'],
    ['a short sha', { after: 'abc123' }, 'after: must be a 40-digit'],
    ['a repository without full_name', { repository: { clone_url: 'x' } }, 'repository.full_name'],
  ])('rejects a push payload with %s, naming the field', (_name, change, message) => {
    const decision = map('push', { ...branchPush(), ...change });
    expect(decision.kind).toBe('invalid');
    expect(decision.kind === 'invalid' && decision.message).toContain(message);
  });

  it('rejects a body that is not an object at all', () => {
    expect(map('push', 'not json')).toMatchObject({ kind: 'invalid' });
  });
});

describe('mapGitHubEvent for pull requests', () => {
  it.each(['opened', 'synchronize', 'reopened'])('previews a pull request that was %s: a diff per environment, a deployment where previews are on', (action) => {
    const decision = map('pull_request', pullRequest(action));
    expect(decision.kind).toBe('preview');
    if (decision.kind !== 'preview') return;
    expect(decision.pullRequest).toBe(2);
    expect(decision.requests.map((r) => [r.environment, r.mode, r.target])).toEqual([
      ['dev', 'dry-run', { kind: 'environment' }],
      ['staging', 'dry-run', { kind: 'environment' }],
      ['staging', 'apply', { kind: 'preview', namespace: 'shop-staging-pr-2' }],
    ]);
    expect(decision.requests[0]).toMatchObject({
      ref: 'refs/pull/2/head',
      sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      before: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      trigger: { kind: 'pull_request', number: 2, headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', baseRef: 'master', headRef: 'changes', fromFork: false },
    });
  });

  it('only diffs a pull request from a fork: its code is never deployed', () => {
    const payload = pullRequest('opened');
    (payload['pull_request'] as { head: { repo: unknown } }).head.repo = { full_name: 'stranger/Hello-World' };
    const decision = map('pull_request', payload);
    expect(decision.kind === 'preview' && decision.requests.map((r) => r.mode)).toEqual(['dry-run', 'dry-run']);
  });

  it("deploys a fork's preview only once a maintainer added the environment's fork label", () => {
    const labelled = [{ ...environments[0]!, preview: { ...environments[0]!.preview, forkLabel: 'safe-to-preview' } }, environments[1]!];
    const fork = (action: string, labels: string[], label?: string) => {
      const payload = pullRequest(action);
      const pr = payload['pull_request'] as { head: { repo: unknown }; labels: unknown };
      pr.head.repo = { full_name: 'stranger/Hello-World' };
      pr.labels = labels.map((name) => ({ name }));
      if (label !== undefined) payload['label'] = { name: label };
      return payload;
    };
    const targets = (decision: EventDecision) =>
      decision.kind === 'preview' ? decision.requests.map((r) => `${r.environment}:${r.mode}:${r.target.kind}`) : decision.kind;

    expect(targets(map('pull_request', fork('opened', ['bug']), labelled))).toEqual(['dev:dry-run:environment', 'staging:dry-run:environment']);
    expect(targets(map('pull_request', fork('labeled', ['safe-to-preview'], 'safe-to-preview'), labelled))).toEqual([
      'dev:dry-run:environment',
      'staging:dry-run:environment',
      'staging:apply:preview',
    ]);
    expect(targets(map('pull_request', fork('synchronize', ['safe-to-preview']), labelled))).toContain('staging:apply:preview');
    // Another label changes nothing; without a configured label no label trusts a fork.
    expect(map('pull_request', fork('labeled', ['bug'], 'bug'), labelled)).toMatchObject({ kind: 'ignore', reason: 'pull-request-action' });
    expect(targets(map('pull_request', fork('synchronize', ['safe-to-preview'])))).toEqual(['dev:dry-run:environment', 'staging:dry-run:environment']);
    // The diff of an environment with previews says why there is none (for the comment), naming the label if any.
    const withheld = (decision: EventDecision) =>
      decision.kind === 'preview' ? decision.requests.map((r) => [r.environment, r.previewWithheld]) : decision.kind;
    expect(withheld(map('pull_request', fork('opened', ['bug']), labelled))).toEqual([
      ['dev', undefined],
      ['staging', { reason: 'fork', forkLabel: 'safe-to-preview' }],
    ]);
    expect(withheld(map('pull_request', fork('opened', [])))).toEqual([
      ['dev', undefined],
      ['staging', { reason: 'fork' }],
    ]);
    expect(withheld(map('pull_request', fork('synchronize', ['safe-to-preview']), labelled))).toEqual([
      ['dev', undefined],
      ['staging', undefined],
      ['staging', undefined],
    ]);
  });

  it('treats a pull request whose fork was deleted as a fork', () => {
    const payload = pullRequest('synchronize');
    (payload['pull_request'] as { head: { repo: unknown } }).head.repo = null;
    const decision = map('pull_request', payload);
    expect(decision.kind === 'preview' && decision.requests.every((r) => r.mode === 'dry-run')).toBe(true);
  });

  it('tears down the previews of a closed pull request', () => {
    expect(map('pull_request', pullRequest('closed'))).toEqual({
      kind: 'teardown-preview',
      pullRequest: 2,
      previews: [{ environment: 'staging', namespace: 'shop-staging-pr-2' }],
    });
  });

  it('ignores a closed pull request when no environment of its base has previews', () => {
    expect(map('pull_request', pullRequest('closed'), [env('dev', 'master')])).toMatchObject({ kind: 'ignore', reason: 'no-environment' });
  });

  it.each(['labeled', 'edited', 'assigned'])('ignores a pull request that was %s', (action) => {
    expect(map('pull_request', pullRequest(action))).toMatchObject({ kind: 'ignore', reason: 'pull-request-action' });
  });

  it('ignores a pull request into a branch no environment follows', () => {
    expect(map('pull_request', pullRequest('opened'), [env('production', 'release')])).toMatchObject({ kind: 'ignore', reason: 'no-environment' });
  });

  it('rejects a pull_request payload without a head sha', () => {
    const payload = pullRequest('opened');
    delete (payload['pull_request'] as { head: { sha?: string } }).head.sha;
    expect(map('pull_request', payload)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('pull_request.head.sha') });
  });
});

describe('mapGitHubEvent for other events', () => {
  it('acknowledges a ping and does nothing', () => {
    expect(map('ping', example('ping', () => true))).toMatchObject({ kind: 'ignore', reason: 'ping' });
  });

  it('ignores events it does not handle, naming them', () => {
    expect(map('issues', {})).toEqual({ kind: 'ignore', reason: 'unsupported-event', message: 'issues events deploy nothing; only push and pull_request do' });
  });
});
