import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * Reads a table of cases from test/unit/kustomize/patch/fixtures/. The `expected` / `error` fields were written
 * by scripts/regenerate-patch-fixtures.ts from the real kustomize CLI, never by hand.
 */
export function loadFixtures<T>(name: string): T[] {
  const url = new URL(`./fixtures/${name}`, import.meta.url);
  return parse(readFileSync(url, 'utf8')) as T[];
}
