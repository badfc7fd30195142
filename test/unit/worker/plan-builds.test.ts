// Deciding builds on this repository's own apps/ and environments/, held in memory with git-like object ids.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BuiltImage } from '../../../core/ports/image-builder.js';
import { renderEnvironment } from '../../../worker/stages/deploy/render-environment.js';
import { readEnvironment } from '../../../worker/stages/read-environments.js';
import { pinnedTree } from '../../../worker/stages/build/pinned-tree.js';
import { planBuilds, type ListedTree } from '../../../worker/stages/build/plan-builds.js';
import { MemoryFileSystem } from '../../../kustomize/fs/memory-file-system.js';
import { REPO_ROOT } from '../config/load-samples.js';

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(REPO_ROOT, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(REPO_ROOT, path)).isDirectory()) Object.assign(files, filesUnder(path));
    else files[relative(REPO_ROOT, join(REPO_ROOT, path))] = readFileSync(join(REPO_ROOT, path), 'utf8');
  }
  return files;
}

const SAMPLE = { ...filesUnder('apps'), ...filesUnder('environments') };

/** The sample repository as a listed tree; object ids are content hashes, as git's are. */
function listed(files: Record<string, string>): ListedTree {
  const fs = new MemoryFileSystem(files);
  const entries = Object.entries(files).map(([path, text]) => ({
    path,
    mode: '100644',
    type: 'blob',
    oid: createHash('sha1').update(text).digest('hex'),
  }));
  return Object.assign(fs, { entries });
}

/** A registry that holds the tags in `held`: the one port the decision reads, given as plain data. */
function registry(held: Set<string> = new Set()) {
  const lookups: string[] = [];
  return {
    lookups,
    fingerprint: 'test/1',
    find: async (repository: string, tag: string): Promise<BuiltImage | undefined> => {
      lookups.push(`${repository}:${tag}`);
      return held.has(`${repository}:${tag}`)
        ? { repository: `registry.test/${repository}`, tag, digest: 'sha256:1' }
        : undefined;
    },
  };
}

describe('planBuilds on the sample repository', () => {
  it("lists every app each environment's render reaches, looking each tag up once across environments", async () => {
    const reg = registry();
    const needs = await planBuilds(listed(SAMPLE), ['dev', 'staging'], reg);
    const apps = (env: string) => needs.get(env)?.map((need) => need.source.app);
    expect(apps('dev')).toEqual(['catalog', 'orders', 'storefront']);
    expect(apps('staging')).toEqual(['catalog', 'orders', 'storefront']);
    expect(reg.lookups).toHaveLength(3);
    expect(needs.get('dev')?.every((need) => need.built === undefined)).toBe(true);
  });

  it('needs no build for a tag the registry holds: a change to catalog leaves the others found', async () => {
    const first = await planBuilds(listed(SAMPLE), ['dev'], registry());
    const held = new Set(first.get('dev')?.map((need) => `${need.source.repository}:${need.source.tag}`));
    const changed = { ...SAMPLE, 'apps/catalog/src/items.js': `${SAMPLE['apps/catalog/src/items.js']}\n// changed\n` };
    const second = await planBuilds(listed(changed), ['dev'], registry(held));
    expect(
      second
        .get('dev')
        ?.filter((need) => need.built === undefined)
        .map((need) => need.source.app),
    ).toEqual(['catalog']);
  });

  it('an overlay-only change keeps every tag', async () => {
    const tagsOf = async (files: Record<string, string>) =>
      (await planBuilds(listed(files), ['dev'], registry())).get('dev')?.map((need) => need.source.tag);
    const overlay = 'environments/dev/kustomization.yaml';
    const changed = { ...SAMPLE, [overlay]: `${SAMPLE[overlay]}\n# only a comment\n` };
    expect(await tagsOf(changed)).toEqual(await tagsOf(SAMPLE));
  });

  it('reaches only the apps the overlay references, through bases of bases too, and none for a broken overlay', async () => {
    const narrowed = {
      ...SAMPLE,
      'environments/dev/kustomization.yaml': 'resources:\n  - ../shared\n',
      'environments/shared/kustomization.yaml': 'resources:\n  - ../../apps/catalog/base\n  - https://example.com/x\n',
    };
    const needs = await planBuilds(listed(narrowed), ['dev', 'staging'], registry());
    expect(needs.get('dev')?.map((need) => need.source.app)).toEqual(['catalog']);
    const broken = { ...SAMPLE, 'environments/dev/kustomization.yaml': 'resources: [missing\n' };
    expect((await planBuilds(listed(broken), ['dev'], registry())).get('dev')).toEqual([]);
  });
});

describe('pinnedTree', () => {
  it('renders the built repository and digest into the Deployment, and nothing else changes', () => {
    const tree = new MemoryFileSystem(SAMPLE);
    const digest = `sha256:${'a'.repeat(64)}`;
    const pins = [{ name: 'shop/catalog', repository: '127.0.0.1:5000/shop/catalog', tag: 'src-1', digest }];
    const plain = renderEnvironment(tree, readEnvironment(tree, 'dev'));
    const pinned = renderEnvironment(pinnedTree(tree, 'environments/dev', pins), readEnvironment(tree, 'dev'));
    const image = (objects: typeof plain) =>
      (
        objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'catalog') as unknown as {
          spec: { template: { spec: { containers: { image: string }[] } } };
        }
      ).spec.template.spec.containers[0]?.image;
    expect(image(plain)).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog:0.1.0');
    expect(image(pinned)).toBe(`127.0.0.1:5000/shop/catalog@${digest}`);
    const others = (objects: typeof plain) =>
      objects.filter((o) => !(o.kind === 'Deployment' && o.metadata.name === 'catalog'));
    expect(others(pinned)).toEqual(others(plain));
    // The commit's own tree is untouched: a plain render still shows the overlay's placeholder.
    expect(image(renderEnvironment(tree, readEnvironment(tree, 'dev')))).toBe(image(plain));
  });
});
