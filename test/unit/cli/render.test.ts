import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandIo } from '../../../cli/command-io.js';
import { dispatch } from '../../../cli/dispatch.js';
import { runRender } from '../../../cli/render.js';

function capture(cwd: string): CommandIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  return io;
}

describe('gantry render', () => {
  let repo: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'gantry-render-'));
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'env', 'dev'), { recursive: true });
    writeFileSync(join(repo, 'env', 'dev', 'kustomization.yaml'), 'namespace: dev\nresources:\n- cm.yaml\n');
    writeFileSync(
      join(repo, 'env', 'dev', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  enabled: "yes"\n',
    );
    mkdirSync(join(repo, 'env', 'broken'));
    writeFileSync(join(repo, 'env', 'broken', 'kustomization.yaml'), 'resources:\n- ../../../../../etc/hostname\n');
    mkdirSync(join(repo, 'shared'));
    writeFileSync(join(repo, 'shared', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
    mkdirSync(join(repo, 'env', 'outside-file'));
    writeFileSync(join(repo, 'env', 'outside-file', 'kustomization.yaml'), 'resources:\n- ../../shared/cm.yaml\n');
    mkdirSync(join(repo, 'env', 'huge'));
    writeFileSync(join(repo, 'env', 'huge', 'kustomization.yaml'), 'resources:\n- huge.yaml\n');
    const header = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: ';
    writeFileSync(
      join(repo, 'env', 'huge', 'huge.yaml'),
      Buffer.concat([Buffer.from(header), Buffer.alloc(51 << 20, 'a')]),
    );
  });

  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('prints the rendered YAML on stdout and exits 0', async () => {
    const io = capture(repo);
    expect(await dispatch(['render', 'env/dev'], io)).toBe(0);
    expect(io.out).toBe(
      'apiVersion: v1\ndata:\n  enabled: "yes"\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: dev\n',
    );
    expect(io.err).toBe('');
  });

  it('resolves DIR against the working directory, inside the repository', async () => {
    const io = capture(join(repo, 'env'));
    expect(await dispatch(['render', 'dev'], io)).toBe(0);
    expect(io.out).toContain('namespace: dev');
  });

  it('prints an error naming the kustomization file on stderr, nothing on stdout, and exits 1', async () => {
    const io = capture(repo);
    expect(await dispatch(['render', 'env/broken'], io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/^Error: env\/broken\/kustomization\.yaml: resources\[0\]: .*leaves the repository root/);
  });

  it('renders a directory outside the working directory, as kustomize build does', () => {
    const io = capture(tmpdir());
    expect(runRender([join(repo, 'env', 'dev')], io)).toBe(0);
    expect(io.out).toContain('namespace: dev');
  });

  it('renders the working directory when DIR is left out', () => {
    const io = capture(join(repo, 'env', 'dev'));
    expect(runRender([], io)).toBe(0);
    expect(io.out).toContain('namespace: dev');
  });

  it('refuses a file outside the kustomization directory by default, naming it absolutely as kustomize does', () => {
    const io = capture(repo);
    expect(runRender(['env/outside-file'], io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toBe(
      `Error: env/outside-file/kustomization.yaml: resources[0]: security; file '${join(realpathSync(repo), 'shared', 'cm.yaml')}' is not in or below '${join(realpathSync(repo), 'env', 'outside-file')}'\n`,
    );
  });

  it('reads that file with --load-restrictor LoadRestrictionsNone', () => {
    const io = capture(repo);
    expect(runRender(['env/outside-file', '--load-restrictor', 'LoadRestrictionsNone'], io)).toBe(0);
    expect(io.out).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
  });

  it('refuses an unknown --load-restrictor with the legal values, as kustomize does', () => {
    const io = capture(repo);
    expect(runRender(['env/dev', '--load-restrictor=LoadRestrictionsAll'], io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toMatch(
      /^Error: illegal flag value --load-restrictor LoadRestrictionsAll; legal values: \[LoadRestrictionsRootOnly LoadRestrictionsNone\]\n/,
    );
  });

  it('names a missing directory absolutely', () => {
    const io = capture(repo);
    expect(runRender(['no-such-dir'], io)).toBe(1);
    expect(io.err).toBe(`Error: no-such-dir: '${join(realpathSync(repo), 'no-such-dir')}' does not exist\n`);
  });

  it('refuses a 51 MiB resource file: nothing on stdout, a too-large error naming the file and field, exit 1', () => {
    const io = capture(repo);
    expect(runRender(['env/huge'], io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toMatch(
      /^Error: env\/huge\/kustomization\.yaml: resources\[0\]: \S*env\/huge\/huge\.yaml: file is \d+ bytes, larger than the \d+-byte limit\n$/,
    );
  });

  it('exits 1 with the usage when given two directories', async () => {
    const io = capture(repo);
    expect(await dispatch(['render', 'env/dev', 'env/broken'], io)).toBe(1);
    expect(io.err).toContain('Error: specify one path to kustomization.yaml');
    expect(io.err).toContain('Usage: gantry render [DIR]');
  });

  it('prints the command usage for --help', async () => {
    const io = capture(repo);
    expect(await dispatch(['render', '--help'], io)).toBe(0);
    expect(io.out).toContain('exactly as `kustomize build DIR` prints them');
  });
});

describe('gantry', () => {
  it('lists its commands for --help', async () => {
    const io = capture(process.cwd());
    expect(await dispatch(['--help'], io)).toBe(0);
    expect(io.out).toContain('Commands:\n');
    for (const name of ['apply', 'diff', 'history', 'render', 'rollback', 'status'])
      expect(io.out).toMatch(new RegExp(`\n {2}${name} +\\S`));
  });

  it('refuses an unknown command', async () => {
    const io = capture(process.cwd());
    expect(await dispatch(['deploy-everything'], io)).toBe(1);
    expect(io.err).toContain("unknown command 'deploy-everything'");
  });
});
