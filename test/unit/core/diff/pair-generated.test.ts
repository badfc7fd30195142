import { changeTable } from '../../../../cli/change-table.js';
import { computeChangeSet } from '../../../../core/diff/change-set.js';
import { generatedBaseName } from '../../../../core/diff/pair-generated.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import { refKey, refOf } from '../../../../core/kube/object.js';
import { summarize } from '../../../../core/report/summarize.js';

const configMap = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop' },
  data,
});
const secret = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { name, namespace: 'shop' },
  data,
});
const byRef = (objects: readonly KubeObject[]) => new Map(objects.map((obj) => [refKey(refOf(obj)), obj]));
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A deploy where `before` is live and in the previous inventory, and `after` is rendered. */
function changeSetOf(before: KubeObject[], after: KubeObject[]) {
  return computeChangeSet(
    { desired: after, live: byRef(before), dryRun: byRef(after), previousInventory: before.map(refOf), prune: true },
    { secretSalt: 'test' },
  );
}

describe('generated ConfigMaps and Secrets paired with their predecessor', () => {
  it('shows a changed configMapGenerator literal as the data that changed, on the created ConfigMap', () => {
    const changeSet = changeSetOf(
      [configMap('shop-environment-g2c4k6m8th', { ENVIRONMENT: 'dev', REGION: 'eu' })],
      [configMap('shop-environment-b5d7f9hgk2', { ENVIRONMENT: 'dev-hello', REGION: 'eu' })],
    );

    expect(changeSet.entries).toEqual([
      {
        action: 'created',
        ref: refOf(configMap('shop-environment-b5d7f9hgk2', {})),
        replaces: {
          ref: refOf(configMap('shop-environment-g2c4k6m8th', {})),
          diff: [{ kind: 'changed', path: '/data/ENVIRONMENT', before: 'dev', after: 'dev-hello' }],
        },
      },
      { action: 'deleted', ref: refOf(configMap('shop-environment-g2c4k6m8th', {})) },
    ]);
  });

  it('masks Secret values in the paired diff', () => {
    const changeSet = changeSetOf(
      [secret('db-g2c4k6m8th', { password: b64('hunter2') })],
      [secret('db-b5d7f9hgk2', { password: b64('correct horse') })],
    );

    const [created] = changeSet.entries;
    const text = JSON.stringify(created);
    expect(created).toMatchObject({
      action: 'created',
      replaces: { diff: [{ kind: 'changed', path: '/data/password' }] },
    });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(b64('hunter2'));
    expect(text).toContain('(hidden sha256:');
  });

  it('leaves objects without a hash suffix, of other kinds, or with two predecessors unpaired', () => {
    expect(
      generatedBaseName({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' }),
    ).toBeUndefined();
    expect(
      generatedBaseName({
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'api-g2c4k6m8th',
      }),
    ).toBeUndefined();
    const twice = changeSetOf(
      [configMap('cfg-g2c4k6m8th', { a: '1' }), configMap('cfg-h2c4k6m8th', { a: '2' })],
      [configMap('cfg-b5d7f9hgk2', { a: '3' })],
    );
    expect(twice.entries[0]).toEqual({ action: 'created', ref: refOf(configMap('cfg-b5d7f9hgk2', {})) });
  });

  it('shows the pairing in the pull request check run and in gantry diff', () => {
    const changeSet = changeSetOf(
      [configMap('shop-environment-g2c4k6m8th', { ENVIRONMENT: 'dev' })],
      [configMap('shop-environment-b5d7f9hgk2', { ENVIRONMENT: 'dev-hello' })],
    );

    const { summary } = summarize({
      environment: 'dev',
      sha: 'a'.repeat(40),
      mode: 'dry-run',
      outcome: 'planned',
      changeSet,
    });
    expect(summary).toContain('replaces `shop-environment-g2c4k6m8th`: `data.ENVIRONMENT`');
    expect(summary).toContain('- data.ENVIRONMENT: "dev"\n+ data.ENVIRONMENT: "dev-hello"');
    expect(changeTable(changeSet)).toContain(
      '    replaces shop-environment-g2c4k6m8th:\n    ~ data.ENVIRONMENT: "dev" -> "dev-hello"',
    );
  });
});
