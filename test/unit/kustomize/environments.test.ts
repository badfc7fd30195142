import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskFileSystem, renderKustomization } from '../../../kustomize/index.js';
import { KUSTOMIZATION_FILE_NAMES } from '../../../kustomize/load/read-kustomization.js';
import { REPO_ROOT, binaryDirs } from '../../platform/paths.js';
import { readVersions } from '../../platform/versions.js';

const GOLDEN_DIR = join(REPO_ROOT, 'test/kustomize/golden/environments');
const environments = readdirSync(join(REPO_ROOT, 'environments'), { withFileTypes: true })
  .filter(
    (e) =>
      e.isDirectory() && KUSTOMIZATION_FILE_NAMES.some((f) => existsSync(join(REPO_ROOT, 'environments', e.name, f))),
  )
  .map((e) => e.name)
  .sort();
const versions = readVersions();
const kustomize = join(binaryDirs(versions).kustomize, 'kustomize');
const REGENERATE = 'scripts/regenerate-kustomize-expectations.sh';

describe('sample environments render with kustomize-ts exactly as with kustomize build', () => {
  it('has overlays to check', () => {
    expect(environments.length).toBeGreaterThan(0);
  });

  describe.each(environments)('environments/%s', (env) => {
    const golden = join(GOLDEN_DIR, `${env}.yaml`);

    it('matches its golden file', () => {
      if (!existsSync(golden)) throw new Error(`no golden file ${golden}; run ${REGENERATE}`);
      const { yaml } = renderKustomization(new DiskFileSystem(REPO_ROOT), `environments/${env}`);
      expect(yaml).toBe(readFileSync(golden, 'utf8'));
    });

    it(`has a golden file that kustomize ${versions.KUSTOMIZE_VERSION} still produces`, () => {
      if (!existsSync(kustomize)) {
        throw new Error(
          `kustomize is not built at ${kustomize}; build it with: bash test/platform/bin/build-binaries.sh kustomize`,
        );
      }
      const run = spawnSync(kustomize, ['build', `environments/${env}`], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(0);
      if (!existsSync(golden)) throw new Error(`no golden file ${golden}; run ${REGENERATE}`);
      expect(run.stdout).toBe(readFileSync(golden, 'utf8'));
    });
  });
});
