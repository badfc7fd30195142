import { diffObject } from '../../../../core/diff/diff-object.js';
import type { FieldChange } from '../../../../core/diff/field-changes.js';
import type { IgnoreRule } from '../../../../core/diff/ignore-rules.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import { fixtureNames, readFixture } from '../fixtures.js';

interface Fixture {
  desired: KubeObject;
  live?: KubeObject;
  dryRun?: KubeObject;
  ignore?: IgnoreRule[];
  expect: { changes?: FieldChange[]; created?: true };
}

const dir = new URL('./fixtures/', import.meta.url);

describe('diffObject, one fixture per outcome', () => {
  it.each(fixtureNames(dir))('%s', (name) => {
    const fixture = readFixture<Fixture>(dir, name);
    const changes = diffObject(fixture, { secretSalt: 'test', ignore: fixture.ignore });
    if (fixture.expect.created) expect(changes).toBeUndefined();
    else expect(changes).toEqual(fixture.expect.changes);
  });

  it('leaves its inputs untouched', () => {
    const fixture = readFixture<Fixture>(dir, 'deployment-image-changed');
    const before = structuredClone(fixture);
    diffObject(fixture, { secretSalt: 'test' });
    expect(fixture).toEqual(before);
  });
});
