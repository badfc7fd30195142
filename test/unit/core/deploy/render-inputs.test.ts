import { changedInput } from '../../../../core/deploy/render-inputs.js';

describe('changedInput', () => {
  const inputs = {
    paths: new Set(['environments/dev/kustomization.yaml', 'environments/dev/kustomization.yml']),
    dirs: new Set(['environments/dev', 'apps/shared']),
  };

  it('finds a changed file the render read, looked up, or that lies below a directory it listed', () => {
    expect(changedInput(['environments/staging/a.yaml', 'environments/dev/kustomization.yml'], inputs)).toBe(
      'environments/dev/kustomization.yml',
    );
    expect(changedInput(['environments/dev/patches/new.yaml'], inputs)).toBe('environments/dev/patches/new.yaml');
    expect(changedInput(['apps/shared/deep/x.yaml'], inputs)).toBe('apps/shared/deep/x.yaml');
  });

  it('finds nothing when every change is elsewhere, including siblings that share a prefix', () => {
    expect(changedInput(['environments/staging/a.yaml', 'environments/dev-2/b.yaml', 'apps/shared2/c'], inputs)).toBe(
      undefined,
    );
  });

  it('counts everything as read when the render looked at the root', () => {
    expect(changedInput(['README.md'], { paths: new Set(), dirs: new Set(['']) })).toBe('README.md');
  });
});
