// Pass rate of kustomize-ts on the krusty conformance cases (extract-cases.ts), per feature (krusty's test file),
// as a Markdown table: a case passes with the same bytes as the CLI, or failing where the CLI fails, for the same
// cause (test/kustomize/same-cause.ts).
//   node --import tsx test/kustomize/krusty/report.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskFileSystem, KustomizeError, renderKustomization } from '../../../kustomize/index.js';
import { readVersions } from '../../platform/versions.js';
import { sameCause } from '../same-cause.js';
import { krustyCasesDir, readKrustyManifest } from './krusty-cases.js';

const { KUSTOMIZE_VERSION } = readVersions();
const manifest = readKrustyManifest(KUSTOMIZE_VERSION);
if (manifest === undefined)
  throw new Error('no krusty cases; run: node --import tsx test/kustomize/krusty/extract-cases.ts');
const root = krustyCasesDir(KUSTOMIZE_VERSION);

function passes(name: string, dir: string, cliFailed: boolean): boolean {
  try {
    const { yaml } = renderKustomization(new DiskFileSystem('/'), join(root, name, 'files', dir).slice(1));
    return !cliFailed && yaml === readFileSync(join(root, name, 'expected.yaml'), 'utf8');
  } catch (error) {
    if (error instanceof KustomizeError)
      return cliFailed && sameCause(error, readFileSync(join(root, name, 'expected-error.txt'), 'utf8'));
    throw error;
  }
}

const byFeature = new Map<string, { cases: number; pass: number; errors: number }>();
for (const c of manifest.cases) {
  const row = byFeature.get(c.feature) ?? { cases: 0, pass: 0, errors: 0 };
  row.cases += 1;
  if (c.cliFailed) row.errors += 1;
  if (passes(c.name, c.dir, c.cliFailed)) row.pass += 1;
  byFeature.set(c.feature, row);
}
const rows = [...byFeature].sort(([a], [b]) => a.localeCompare(b));
const total = rows.reduce((t, [, r]) => ({ cases: t.cases + r.cases, pass: t.pass + r.pass }), { cases: 0, pass: 0 });
const skipped = Object.entries(manifest.skipped)
  .map(([why, n]) => `${n} ${why}`)
  .join(', ');
process.stdout.write(
  [
    `krusty tests of api ${manifest.apiVersion} read: ${manifest.tests}; skipped: ${skipped}. Cases: ${total.cases}, passing ${total.pass} (${((total.pass / total.cases) * 100).toFixed(1)} %).`,
    '',
    '| feature (krusty test file) | cases | of which the CLI fails | pass |',
    '|---|---|---|---|',
    ...rows.map(([feature, r]) => `| ${feature} | ${r.cases} | ${r.errors} | ${r.pass}/${r.cases} |`),
    '',
  ].join('\n'),
);
