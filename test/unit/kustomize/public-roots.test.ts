import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskFileSystem, renderKustomization } from '../../../kustomize/index.js';
import { publicRootsDir, readPublicRoots } from '../../kustomize/public-roots/public-roots.js';
import { expectFailureLikeCli } from '../../kustomize/same-cause.js';
import { readVersions } from '../../platform/versions.js';

// Build roots of public repositories (test/kustomize/public-roots/; setup fetches them from the Go module proxy and
// records the real CLI's output). Each passes with the CLI's bytes, or failing where the CLI fails, for the same cause
// (test/kustomize/same-cause.ts). The ones listed in KNOWN_DIFFERENCES are expected to differ (test.failing: a fixed
// one fails until it is taken off the list).
const { KUSTOMIZE_VERSION } = readVersions();
const roots = readPublicRoots(KUSTOMIZE_VERSION);
const dir = publicRootsDir(KUSTOMIZE_VERSION);

/** `<module>@<version>/<root>` → why kustomize-ts differs (kustomize/README.md, "public build roots"). */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {};

describe(`public build roots against kustomize ${KUSTOMIZE_VERSION}`, () => {
  it('has the roots', () => {
    if (roots === undefined) {
      throw new Error(
        `the public build roots are not in ${dir}; fetch them with: node --import tsx test/kustomize/public-roots/fetch-roots.ts`,
      );
    }
  });
  for (const r of roots ?? []) {
    const name = `${r.module}@${r.version}/${r.root}`;
    const known = KNOWN_DIFFERENCES[name];
    (known === undefined ? it : it.failing)(`${name}${known === undefined ? '' : ` (known: ${known})`}`, () => {
      const render = () => renderKustomization(new DiskFileSystem('/'), join(r.moduleDir, r.root).slice(1)).yaml;
      if (r.cliFailed) expectFailureLikeCli(render, readFileSync(join(dir, r.expectation), 'utf8'));
      else expect(render()).toBe(readFileSync(join(dir, r.expectation), 'utf8'));
    });
  }
});
