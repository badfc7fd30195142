// Fixtures for core's table tests: YAML files named by outcome, read next to the test that uses them.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The names (without `.yaml`) of the fixtures in `dir`, sorted. */
export function fixtureNames(dir: URL): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/** The parsed fixture `name` from `dir`. */
export function readFixture<T>(dir: URL, name: string): T {
  return parse(readFileSync(new URL(`${name}.yaml`, dir), 'utf8')) as T;
}
