import { environmentsFollowing, previewEnvironments, previewNamespace } from '../../../../core/deploy/select-environments.js';

const env = (name: string, branch: string, preview = false) => ({ name, branch, namespace: name, preview: { enabled: preview, namespacePrefix: `${name}-pr-` } });
const environments = [env('staging', 'main', true), env('production', 'release'), env('dev', 'main')];

describe('environmentsFollowing', () => {
  it('returns every environment that follows the branch, sorted by name', () => {
    expect(environmentsFollowing('main', environments).map((e) => e.name)).toEqual(['dev', 'staging']);
  });

  it('matches branch names exactly, not by prefix', () => {
    expect(environmentsFollowing('mai', environments)).toEqual([]);
    expect(environmentsFollowing('main/x', environments)).toEqual([]);
  });
});

describe('previewEnvironments', () => {
  it('keeps only the environments of the base branch that have previews enabled', () => {
    expect(previewEnvironments('main', environments).map((e) => e.name)).toEqual(['staging']);
    expect(previewEnvironments('release', environments)).toEqual([]);
  });

  it('names a preview namespace from the prefix and the pull request number', () => {
    expect(previewNamespace(env('staging', 'main', true), 42)).toBe('staging-pr-42');
  });
});
