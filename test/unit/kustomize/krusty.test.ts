import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskFileSystem, renderKustomization } from '../../../kustomize/index.js';
import { krustyCasesDir, readKrustyManifest } from '../../kustomize/krusty/krusty-cases.js';
import { expectFailureLikeCli } from '../../kustomize/same-cause.js';
import { readVersions } from '../../platform/versions.js';

// kustomize's own krusty tests that use builtin features only, as directories with the real CLI's output
// (test/kustomize/krusty/extract-cases.ts; setup makes them). Each passes when kustomize-ts renders the same bytes,
// or fails where the CLI fails, for the same cause (test/kustomize/same-cause.ts). The ones listed in
// KNOWN_DIFFERENCES are expected to differ (test.failing: a fixed one fails until it is taken off the list).
const { KUSTOMIZE_VERSION } = readVersions();
const manifest = readKrustyManifest(KUSTOMIZE_VERSION);
const root = krustyCasesDir(KUSTOMIZE_VERSION);

/** Cases kustomize-ts does not pass yet, each with why (kustomize/README.md, "krusty conformance"). */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {};

function check(name: string, dir: string, cliFailed: boolean): void {
  const caseDir = join(root, name);
  // Rooted at `/`, as `gantry render` is and as the CLI reads: a path above the case's files is missing, not refused.
  const render = () => renderKustomization(new DiskFileSystem('/'), join(caseDir, 'files', dir).slice(1)).yaml;
  if (cliFailed) {
    expectFailureLikeCli(render, readFileSync(join(caseDir, 'expected-error.txt'), 'utf8'));
  } else {
    expect(render()).toBe(readFileSync(join(caseDir, 'expected.yaml'), 'utf8'));
  }
}

describe(`krusty conformance (kustomize api ${manifest?.apiVersion ?? '?'}, CLI ${KUSTOMIZE_VERSION})`, () => {
  it('has the cases', () => {
    if (manifest === undefined) {
      throw new Error(
        `the krusty cases are not in ${root}; make them with: node --import tsx test/kustomize/krusty/extract-cases.ts`,
      );
    }
  });
  for (const c of manifest?.cases ?? []) {
    const known = KNOWN_DIFFERENCES[c.name];
    (known === undefined ? it : it.failing)(`${c.name}${known === undefined ? '' : ` (known: ${known})`}`, () =>
      check(c.name, c.dir, c.cliFailed),
    );
  }
});
