// Where the krusty conformance cases live (made by extract-cases.ts, outside the repository) and their manifest.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../platform/paths.js';

export const KRUSTY_MANIFEST = 'manifest.json';

export interface KrustyCase {
  /** `<test file without _test.go>--<TestName>[--<n-th run>]`, also its directory name. */
  readonly name: string;
  /** The krusty test file it came from, without `_test.go`: kustomize names them by feature. */
  readonly feature: string;
  /** The directory `kustomize build` was given, relative to the case's `files/`. */
  readonly dir: string;
  /** The krusty test expected an error here (`RunWithErr`). */
  readonly expectError: boolean;
  /** The pinned CLI failed: the case holds expected-error.txt, else expected.yaml. */
  readonly cliFailed: boolean;
}

export interface KrustyManifest {
  readonly apiVersion: string;
  readonly kustomizeVersion: string;
  /** Test functions read, and how many of them were skipped for which reason. */
  readonly tests: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly cases: readonly KrustyCase[];
}

/** Raise it when extract-cases.ts extracts differently, so setup makes the cases again. */
const EXTRACTION_VERSION = 3;

/**
 * Keyed by the CLI's version (it fixes the api module version, from its go.mod, which the manifest records) and by
 * the extraction's.
 */
export function krustyCasesDir(kustomizeVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `krusty-cases-kustomize-${kustomizeVersion}-x${EXTRACTION_VERSION}`);
}

/** The manifest of the cases for this CLI version, or undefined when they have not been extracted. */
export function readKrustyManifest(kustomizeVersion: string): KrustyManifest | undefined {
  const file = join(krustyCasesDir(kustomizeVersion), KRUSTY_MANIFEST);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as KrustyManifest) : undefined;
}
