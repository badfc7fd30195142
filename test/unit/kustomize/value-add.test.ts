import { KustomizeError, MemoryFileSystem, renderKustomization } from '../../../kustomize/index.js';

// Expectations checked against `kustomize build` v5.8.2 (the conformance case transformers-value-add holds the
// CLI's own output for the main forms).

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: ${data}\n`;

function renderValueAdd(transformer: string, data: string, dir = 'app'): string {
  const files = {
    [`${dir === '' ? '' : `${dir}/`}kustomization.yaml`]:
      'resources: [cm.yaml]\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: ValueAddTransformer\n' +
      `  metadata: {name: va}\n${transformer}`,
    [`${dir === '' ? '' : `${dir}/`}cm.yaml`]: configMap(data),
  };
  return renderKustomization(new MemoryFileSystem(files), dir).yaml;
}

function failure(fn: () => unknown): KustomizeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KustomizeError);
    return error as KustomizeError;
  }
  throw new Error('expected a failure');
}

describe('ValueAddTransformer (kustomize builtin, alpha)', () => {
  it('inserts the value into paths as kyaml InsertPathPart does: positions from 1, absolute paths kept, cleaned', () => {
    const targets = [
      ['root', 1],
      ['pie', 1],
      ['apie', 1],
      ['raw', 2],
      ['araw', 7],
      ['messy', 2],
      ['empty', 3],
    ]
      .map(([field, position]) => `  - {fieldPath: data/${field}, filePathPosition: ${position}}\n`)
      .join('');
    const yaml = renderValueAdd(
      `  value: PEACH\n  targets:\n${targets}`,
      '{root: /, pie: pie, apie: /pie, raw: raw, araw: /raw, messy: a//b/../c/, empty: ""}',
    );
    expect(yaml).toContain(
      'data:\n  apie: /PEACH/pie\n  araw: /raw/PEACH\n  empty: PEACH\n  messy: a/PEACH/c\n  pie: PEACH/pie\n' +
        '  raw: raw/PEACH\n  root: /PEACH\n',
    );
  });

  it('writes the value untagged, so that it ends up as YAML reads it, and takes the directory name by default', () => {
    const yaml = renderValueAdd(
      '  value: " 0x1F "\n  targets:\n  - {fieldPath: data/n}\n- |-\n  apiVersion: builtin\n' +
        '  kind: ValueAddTransformer\n  metadata: {name: dir}\n  targets:\n  - {fieldPath: data/dir}\n',
      '{}',
    );
    expect(yaml).toContain('data:\n  dir: app\n  "n": 31\n');
  });

  it('stops quietly at a null map on the way and fails on a scalar there, as kustomize does', () => {
    expect(renderValueAdd('  value: v\n  targets:\n  - {fieldPath: data/x/y}\n', '{x: null}')).toContain(
      'data:\n  x: null\n',
    );
    const error = failure(() => renderValueAdd('  value: v\n  targets:\n  - {fieldPath: data/x/y}\n', '{x: s}'));
    expect(error).toMatchObject({ reason: 'transform-failed', field: 'transformers[0]' });
    expect(error.message).toContain('wrong node kind: expected MappingNode but got ScalarNode');
  });

  it('refuses a field path through list elements, which kustomize-ts does not follow', () => {
    const error = failure(() => renderValueAdd('  value: v\n  targets:\n  - {fieldPath: "data/[name=x]/y"}\n', '{}'));
    expect(error).toMatchObject({ reason: 'not-supported', field: 'transformers[0]' });
  });

  it('refuses to guess the directory name of the root of the tree it reads', () => {
    const error = failure(() => renderValueAdd('  targets:\n  - {fieldPath: data/dir}\n', '{}', ''));
    expect(error).toMatchObject({ reason: 'not-supported', file: 'kustomization.yaml', field: 'transformers[0]' });
    expect(error.message).toContain('give the value');
  });
});
