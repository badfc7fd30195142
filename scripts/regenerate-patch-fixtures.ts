/**
 * Fills in the expectations of the patch table tests (test/unit/kustomize/patch/fixtures/*.yaml) by running the
 * real kustomize CLI on every case: each case becomes a throw-away kustomization, `kustomize build` runs once, and
 * its output (or its error message) is written back into the case as `expected` / `error`.
 *
 *   node --import tsx scripts/regenerate-patch-fixtures.ts [FIXTURE.yaml ...]
 *
 * The CLI is the one the platform builds (test/platform/versions.env, KUSTOMIZE_VERSION), or $KUSTOMIZE_BIN.
 * Cases are written by hand without expectations; this script is the only thing that writes expectations.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse, stringify } from 'yaml';
import { binaryDirs } from '../test/platform/paths.js';
import { readVersions } from '../test/platform/versions.js';

const run = promisify(execFile);
const FIXTURES = 'test/unit/kustomize/patch/fixtures';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Case = Record<string, Json>;

/** The output of one `kustomize build`: its documents, or the first line of its error. */
type BuildResult = { documents: Json[] } | { error: string; errorDetail?: string };

function kustomizeBinary(): string {
  return process.env['KUSTOMIZE_BIN'] ?? join(binaryDirs(readVersions()).kustomize, 'kustomize');
}

async function build(files: Record<string, string>): Promise<BuildResult> {
  const dir = await mkdtemp(join(tmpdir(), 'patch-fixture-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    const { stdout } = await run(kustomizeBinary(), ['build', dir], { encoding: 'utf8' });
    return { documents: parseAllDocuments(stdout).map((doc) => doc.toJSON() as Json) };
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error);
    const lines = stderr.trim().split('\n');
    const start = Math.max(
      0,
      lines.findIndex((l) => l.startsWith('Error: ')),
    );
    const first = (lines[start] ?? '').replace(/^Error: /, '');
    const last = lines[lines.length - 1] ?? '';
    // Multi-line errors (kustomize quotes the offending config) keep their last line as the detail.
    return start === lines.length - 1 ? { error: first } : { error: first, errorDetail: last };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function yamlDocs(objects: Json[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}

function record(testCase: Case, result: BuildResult, toExpected: (documents: Json[]) => Json): void {
  delete testCase['expected'];
  delete testCase['error'];
  delete testCase['errorDetail'];
  if ('error' in result) {
    testCase['error'] = result.error;
    if (result.errorDetail !== undefined) testCase['errorDetail'] = result.errorDetail;
  } else testCase['expected'] = toExpected(result.documents);
}

/** Strategic merge: one resource, one patch (optionally with a target); expected is the resource or null. */
async function strategicMergeCase(testCase: Case): Promise<void> {
  const patchEntry: Record<string, Json> = { path: 'patch.yaml' };
  if (testCase['target'] !== undefined) patchEntry['target'] = testCase['target'];
  if (testCase['options'] !== undefined) patchEntry['options'] = testCase['options'];
  const result = await build({
    'kustomization.yaml': stringify({ resources: ['resources.yaml'], patches: [patchEntry] }),
    'resources.yaml': yamlDocs([testCase['base'] as Json]),
    'patch.yaml': typeof testCase['patchText'] === 'string' ? testCase['patchText'] : stringify(testCase['patch']),
  });
  record(testCase, result, (documents) => documents[0] ?? null);
}

/** JSON 6902: one resource, the operations as a JSON file targeted at it. */
async function json6902Case(testCase: Case): Promise<void> {
  const base = testCase['base'] as { kind: string; metadata: { name: string } };
  const result = await build({
    'kustomization.yaml': stringify({
      resources: ['resources.yaml'],
      patches: [{ path: 'patch.json', target: { kind: base.kind, name: base.metadata.name } }],
    }),
    'resources.yaml': yamlDocs([testCase['base'] as Json]),
    'patch.json': JSON.stringify(testCase['ops']),
  });
  record(testCase, result, (documents) => documents[0] ?? null);
}

const SELECTED = 'fixture.gantry.dev/selected';

/**
 * Target selection: a marker annotation is patched onto whatever the selector selects. With `baseTransform`, the
 * resources first pass through a base kustomization with those fields (namespace, namePrefix), so the selector
 * meets renamed objects that remember their original identity.
 */
async function selectorCase(testCase: Case): Promise<void> {
  const marker = { apiVersion: 'v1', kind: 'Marker', metadata: { name: 'marker', annotations: { [SELECTED]: 'yes' } } };
  const patches = [{ target: testCase['selector'], patch: stringify(marker) }];
  const resources = yamlDocs(testCase['resources'] as Json[]);
  const transform = testCase['baseTransform'];
  const files: Record<string, string> =
    transform === undefined
      ? { 'kustomization.yaml': stringify({ resources: ['resources.yaml'], patches }), 'resources.yaml': resources }
      : {
          'kustomization.yaml': stringify({ resources: ['base'], patches }),
          'base/kustomization.yaml': stringify({
            resources: ['resources.yaml'],
            ...(transform as Record<string, Json>),
          }),
          'base/resources.yaml': resources,
        };
  const result = await build(files);
  record(testCase, result, (documents) =>
    documents
      .filter((d) => (d as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.[SELECTED])
      .map((d) => {
        const { kind, metadata } = d as { kind: string; metadata: { name: string; namespace?: string } };
        return `${kind}/${metadata.namespace ?? ''}/${metadata.name}`;
      })
      .sort(),
  );
}

/** Replacements over a set of resources; expected is every output resource. */
async function replacementCase(testCase: Case): Promise<void> {
  const result = await build({
    'kustomization.yaml': stringify({ resources: ['resources.yaml'], replacements: testCase['replacements'] }),
    'resources.yaml': yamlDocs(testCase['resources'] as Json[]),
  });
  record(testCase, result, (documents) => documents);
}

/** Patch classification: the patch text as a file, optionally with a target; expected is every output object. */
async function parsePatchCase(testCase: Case): Promise<void> {
  const entry: Record<string, Json> = { path: 'patch.yaml' };
  if (testCase['target'] !== undefined) entry['target'] = testCase['target'];
  const result = await build({
    'kustomization.yaml': stringify({ resources: ['resources.yaml'], patches: [entry] }),
    'resources.yaml': yamlDocs(testCase['resources'] as Json[]),
    'patch.yaml': String(testCase['patchText']),
  });
  record(testCase, result, (documents) => documents);
}

/** How each fixture file's cases are turned into a build. */
const HANDLERS: Record<string, (testCase: Case) => Promise<void>> = {
  'strategic-merge.yaml': strategicMergeCase,
  'json6902.yaml': json6902Case,
  'selectors.yaml': selectorCase,
  'replacements.yaml': replacementCase,
  'parse-patch.yaml': parsePatchCase,
};

async function regenerate(file: string): Promise<void> {
  const handler = HANDLERS[basename(file)];
  if (handler === undefined) throw new Error(`no handler for ${file}`);
  const cases = parse(await readFile(file, 'utf8')) as Case[];
  for (const testCase of cases) await handler(testCase);
  const header =
    '# Table cases; `expected` / `error` are written by scripts/regenerate-patch-fixtures.ts from the real CLI.\n';
  await writeFile(file, header + stringify(cases, { lineWidth: 0 }));
  console.log(`${file}: ${cases.length} cases`);
}

const files = process.argv.slice(2);
const targets = files.length > 0 ? files : Object.keys(HANDLERS).map((name) => join(FIXTURES, name));
for (const file of targets) await regenerate(file);
