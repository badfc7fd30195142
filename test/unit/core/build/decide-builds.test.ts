import { parse } from 'yaml';
import { contentTag, type TreeBlob } from '../../../../core/build/content-tag.js';
import { decideImages, joinInside, type CommitApp } from '../../../../core/build/decide-builds.js';
import { parseAppConfig } from '../../../../core/config/app-config.js';
import { DeployError } from '../../../../core/deploy-error.js';
import { Reason } from '../../../../core/reasons.js';

function app(name: string, yaml: string): CommitApp {
  const file = `apps/${name}/app.yaml`;
  return { dir: `apps/${name}`, config: parseAppConfig(`name: ${name}\n${yaml}`, file, parse) };
}

const PORTS = 'ports:\n  - name: http\n    containerPort: 8080\n';
const catalog = app(
  'catalog',
  `image:\n  repository: shop/catalog\nbuild:\n  watch: [src/**, package.json, Dockerfile]\n${PORTS}`,
);
const orders = app('orders', `image:\n  repository: shop/orders\n${PORTS}`);

const blob = (path: string, oid: string, mode = '100644'): TreeBlob => ({ path, oid, mode });
const tree: TreeBlob[] = [
  blob('README.md', 'r1'),
  blob('apps/catalog/app.yaml', 'a1'),
  blob('apps/catalog/Dockerfile', 'd1'),
  blob('apps/catalog/base/deployment.yaml', 'b1'),
  blob('apps/catalog/package.json', 'p1'),
  blob('apps/catalog/src/server.js', 's1'),
  blob('apps/orders/app.yaml', 'a2'),
  blob('apps/orders/Dockerfile', 'd2'),
  blob('apps/orders/src/server.js', 's2'),
  blob('environments/dev/kustomization.yaml', 'k1'),
];

function change(blobs: readonly TreeBlob[], path: string, oid: string, mode?: string): TreeBlob[] {
  return blobs.map((entry) => (entry.path === path ? { ...entry, oid, mode: mode ?? entry.mode } : entry));
}

function tags(blobs: readonly TreeBlob[], fingerprint = 'local/1'): Record<string, string> {
  return Object.fromEntries(decideImages([catalog, orders], blobs, fingerprint).map((s) => [s.app, s.tag]));
}

describe('decideImages', () => {
  it('gives each image a content tag, its repository-relative context and its Dockerfile inside the context', () => {
    const [source] = decideImages([catalog], tree, 'local/1');
    expect(source).toEqual({
      app: 'catalog',
      image: 'catalog',
      repository: 'shop/catalog',
      tag: expect.stringMatching(/^src-[0-9a-f]{32}$/),
      context: 'apps/catalog',
      dockerfile: 'Dockerfile',
      buildArgs: {},
      imagesOfApp: 1,
    });
  });

  it('changes only the tag of the app whose watched source changed', () => {
    const before = tags(tree);
    const after = tags(change(tree, 'apps/catalog/src/server.js', 's1-new'));
    expect(after.catalog).not.toBe(before.catalog);
    expect(after.orders).toBe(before.orders);
  });

  it('keeps every tag when only configuration changed (base/, app.yaml, an overlay, another folder)', () => {
    let changed = change(tree, 'apps/catalog/base/deployment.yaml', 'b1-new');
    changed = change(changed, 'apps/catalog/app.yaml', 'a1-new');
    changed = change(changed, 'environments/dev/kustomization.yaml', 'k1-new');
    changed = change(changed, 'README.md', 'r1-new');
    expect(tags(changed)).toEqual(tags(tree));
  });

  it('gives identical sources the same tag whatever the listing order', () => {
    expect(tags([...tree].reverse())).toEqual(tags(tree));
  });

  it('changes the tag with a mode change, the Dockerfile, the build args and the builder fingerprint', () => {
    const base = tags(tree).catalog;
    expect(tags(change(tree, 'apps/catalog/src/server.js', 's1', '100755')).catalog).not.toBe(base);
    expect(tags(change(tree, 'apps/catalog/Dockerfile', 'd1-new')).catalog).not.toBe(base);
    expect(tags(tree, 'codebuild/1').catalog).not.toBe(base);
    const withArgs = app(
      'catalog',
      `image:\n  repository: shop/catalog\nbuild:\n  buildArgs: { NODE_ENV: production }\n${PORTS}`,
    );
    expect(decideImages([withArgs], tree, 'local/1')[0]?.tag).not.toBe(base);
  });

  it('hashes the Dockerfile even when watch leaves it out', () => {
    const narrow = app('catalog', `image:\n  repository: shop/catalog\nbuild:\n  watch: [src/**]\n${PORTS}`);
    const tagOf = (blobs: TreeBlob[]) => decideImages([narrow], blobs, 'x')[0]?.tag;
    expect(tagOf(change(tree, 'apps/catalog/Dockerfile', 'd1-new'))).not.toBe(tagOf(tree));
  });

  it('decides each image of an app with several on its own', () => {
    const boutique = app(
      'boutique',
      `images:\n  - repository: shop/cart\n    context: src/cart\n  - repository: shop/front\n    context: src/front\n${PORTS}`,
    );
    const blobs = [
      blob('apps/boutique/src/cart/Dockerfile', 'c1'),
      blob('apps/boutique/src/cart/main.go', 'c2'),
      blob('apps/boutique/src/front/Dockerfile', 'f1'),
      blob('apps/boutique/src/front/main.go', 'f2'),
    ];
    const before = decideImages([boutique], blobs, 'x');
    const after = decideImages([boutique], change(blobs, 'apps/boutique/src/cart/main.go', 'c2-new'), 'x');
    expect(before.map((s) => [s.image, s.context, s.dockerfile])).toEqual([
      ['cart', 'apps/boutique/src/cart', 'Dockerfile'],
      ['front', 'apps/boutique/src/front', 'Dockerfile'],
    ]);
    expect(after[0]?.tag).not.toBe(before[0]?.tag);
    expect(after[1]?.tag).toBe(before[1]?.tag);
  });

  it.each([
    [
      'a missing Dockerfile',
      `image:\n  repository: shop/x\nbuild:\n  dockerfile: Nope\n`,
      /images\[0\]\.dockerfile apps\/x\/Nope does not exist/,
    ],
    [
      'a Dockerfile outside its context',
      `image:\n  repository: shop/x\nbuild:\n  context: src\n  dockerfile: Dockerfile\n`,
      /apps\/x\/Dockerfile is outside the build context apps\/x\/src/,
    ],
  ])('refuses %s, naming the app.yaml and field', (_what, yaml, message) => {
    const broken = app('x', `${yaml}${PORTS}`);
    const blobs = [blob('apps/x/Dockerfile', 'd'), blob('apps/x/src/a.js', 'a')];
    const attempt = () => decideImages([broken], blobs, 'x');
    expect(attempt).toThrow(DeployError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as DeployError).reason).toBe(Reason.InvalidConfig);
      expect((error as DeployError).terminal).toBe(true);
    }
  });
});

describe('contentTag', () => {
  it('cannot be fooled by moving text between fields', () => {
    const common = { context: 'a', dockerfile: 'a/Dockerfile', dockerfileOid: 'd', fingerprint: 'f' };
    const one = contentTag({ ...common, watched: [blob('a/x', 'o')], buildArgs: { A: 'b' } });
    const two = contentTag({ ...common, watched: [blob('a/x', 'o')], buildArgs: { 'A\0b': '' } });
    expect(one).not.toBe(two);
  });
});

describe('joinInside', () => {
  it.each([
    ['apps/a', '.', 'apps/a'],
    ['apps/a', './src/', 'apps/a/src'],
    ['apps/a', '../shared', 'apps/shared'],
    ['apps/a', '../../..', undefined],
    ['apps/a', '/etc', undefined],
  ])('%s + %s → %s', (base, path, expected) => {
    expect(joinInside(base, path)).toBe(expected);
  });
});
