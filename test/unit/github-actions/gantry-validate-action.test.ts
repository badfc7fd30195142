// The composite action .github/actions/gantry-validate: its script run as the action runs it (bash, with the
// gantry CLI as a command), on a copy of this repository's samples, valid and then broken.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../platform/paths.js';

const ACTION = join(REPO_ROOT, '.github/actions/gantry-validate');
// From the sources (the action runs the built dist/cli/main.js); tsx by path, since the script runs in the workspace.
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const GANTRY = [process.execPath, '--import', TSX, join(REPO_ROOT, 'cli/main.ts')];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: string;
}

describe('the gantry-validate composite action', () => {
  let workspace: string;

  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'gantry-action-'));
    await cp(join(REPO_ROOT, 'apps'), join(workspace, 'gitops/apps'), { recursive: true });
    await cp(join(REPO_ROOT, 'environments'), join(workspace, 'gitops/environments'), { recursive: true });
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  /** validate.sh in the workspace, as the action's last step runs it. */
  async function runScript(directory = 'gitops'): Promise<Run> {
    const summaryFile = join(workspace, 'step-summary.md');
    await writeFile(summaryFile, '');
    return new Promise((resolve) => {
      execFile(
        'bash',
        [join(ACTION, 'validate.sh'), ...GANTRY],
        {
          cwd: workspace,
          env: { ...process.env, GANTRY_DIR: directory, GANTRY_RENDER_DIR: 'rendered', GITHUB_STEP_SUMMARY: summaryFile },
        },
        (error, stdout, stderr) => {
          void readFile(summaryFile, 'utf8').then((summary) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, summary }),
          );
        },
      );
    });
  }

  it('runs the script the action names, with the inputs it declares', async () => {
    const action = parse(await readFile(join(ACTION, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      runs: { using: string; steps: { run?: string; env?: Record<string, string> }[] };
    };
    expect(action.runs.using).toBe('composite');
    const last = action.runs.steps.at(-1);
    expect(last?.run).toContain('validate.sh');
    expect(last?.env).toEqual({ GANTRY_DIR: '${{ inputs.directory }}', GANTRY_RENDER_DIR: '${{ inputs.render-dir }}' });
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['directory', 'render-dir']));
  });

  it('passes valid samples: exit 0, every environment rendered to <render-dir>/<env>.yaml, a summary table', async () => {
    const run = await runScript();

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const environments = (await readdir(join(workspace, 'gitops/environments'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const withEnvYaml: string[] = [];
    for (const name of environments)
      if ((await readdir(join(workspace, 'gitops/environments', name))).includes('env.yaml')) withEnvYaml.push(name);
    expect((await readdir(join(workspace, 'rendered'))).sort()).toEqual(withEnvYaml.map((n) => `${n}.yaml`).sort());
    const dev = await readFile(join(workspace, 'rendered/dev.yaml'), 'utf8');
    expect(dev).toMatch(/^kind: Deployment$/m);
    expect(dev).toContain('namespace: shop-dev');
    expect(run.summary).toContain('### gantry validate: valid');
    expect(run.summary).toContain('| environments/dev | ok |');
    expect(run.stdout).not.toContain('::error');
  });

  it('fails a broken env.yaml and overlay: exit 1, an annotation at each file and line, the other environments still rendered', async () => {
    const envFile = join(workspace, 'gitops/environments/dev/env.yaml');
    await writeFile(envFile, (await readFile(envFile, 'utf8')).replace(/timeout: 3m/, 'timeout: soon'));
    const kustomization = join(workspace, 'gitops/environments/staging/kustomization.yaml');
    await writeFile(kustomization, (await readFile(kustomization, 'utf8')).replace(/^resources:\n/m, 'resources:\n  - missing.yaml\n'));

    const run = await runScript();

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=gitops\/environments\/dev\/env\.yaml,line=13,title=[^:]*rollout\.timeout::/m);
    expect(run.stdout).toMatch(/^::error file=gitops\/environments\/staging\/kustomization\.yaml,/m);
    expect(run.summary).toContain('### gantry validate: problems found');
    expect(run.summary).toContain('| environments/staging | FAIL | does not render |');
    expect(await readFile(join(workspace, 'rendered/dev.yaml'), 'utf8')).toMatch(/^kind: Deployment$/m);
  });

  it('refuses a directory that is not a repository of apps and environments', async () => {
    const run = await runScript('nowhere');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error title=gantry validate::nowhere has neither apps/ nor environments/');
  });

  it("is what the example pull request workflow uses, under .github/examples/ where this repository's CI never runs it", async () => {
    const examples = join(REPO_ROOT, '.github/examples/workflows');
    const workflow = parse(await readFile(join(examples, 'gantry-validate.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { validate: { steps: { uses?: string }[] } };
    };
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const uses = workflow.jobs.validate.steps.map((step) => step.uses ?? '');
    expect(uses).toContain('OWNER/gantry/.github/actions/gantry-validate@REF');
    const smoke = parse(await readFile(join(examples, 'smoke-on-deployment.yml'), 'utf8')) as {
      on: string;
      jobs: { smoke: { if: string } };
    };
    expect(smoke.on).toBe('deployment_status');
    expect(smoke.jobs.smoke.if).toBe(
      "github.event.deployment_status.state == 'success' && github.event.deployment.environment == 'staging'",
    );
  });
});
