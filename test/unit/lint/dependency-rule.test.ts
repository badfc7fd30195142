// DESIGN.md's dependency rule (core/ is pure: no SDK, no Node I/O, no adapter) is only as good as the lint rule that
// enforces it. These cases run the project's own eslint.config.js through ESLint's Node API on code placed, by
// file path, inside core/ and adapters/, so a config change that stops the rule from firing fails here.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/paths.js';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The no-restricted-imports messages ESLint reports for `code` as if it were the file at `path`. */
async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the dependency rule, as eslint.config.js enforces it', () => {
  it.each([
    ['an SDK', "import { KubeConfig } from '@kubernetes/client-node';\nexport const k = KubeConfig;\n", /no SDK/],
    [
      'an SDK, for its types only',
      "import type { V1Pod } from '@kubernetes/client-node';\nexport type P = V1Pod;\n",
      /no SDK/,
    ],
    ['Node I/O', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", /no Node I\/O/],
    [
      'an adapter',
      "import { x } from '../../adapters/kube/cluster.js';\nexport const y = x;\n",
      /must not import adapters/,
    ],
    ['an adapter, re-exported', "export * from '../../adapters/queue/index.js';\n", /must not import adapters/],
    ['a service', "import { x } from '../../worker/main.js';\nexport const y = x;\n", /imports nothing outside core/],
  ])('rejects a core/ file that imports %s', async (_what, code, message) => {
    const messages = await restrictedImports('core/diff/x.ts', code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it('rejects an adapter import from a file at the top of core/', async () => {
    const messages = await restrictedImports(
      'core/x.ts',
      "import { x } from '../adapters/kube/index.js';\nexport const y = x;\n",
    );
    expect(messages).toEqual([expect.stringMatching(/core\/ must not import adapters\//)]);
  });

  it('lets a core/ file import other core/ files and zod, with no error at all', async () => {
    const code =
      "import { z } from 'zod';\nimport { x } from './change-set.js';\nexport const s = z.string();\nexport const y = x;\n";
    const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, 'core/diff/x.ts') });
    expect(result?.messages).toEqual([]);
  });

  it('lets adapters/ use SDKs but not the services', async () => {
    expect(
      await restrictedImports(
        'adapters/kube/x.ts',
        "import { KubeConfig } from '@kubernetes/client-node';\nexport const k = KubeConfig;\n",
      ),
    ).toEqual([]);
    const messages = await restrictedImports(
      'adapters/kube/x.ts',
      "import { x } from '../../worker/main.js';\nexport const y = x;\n",
    );
    expect(messages).toEqual([expect.stringMatching(/adapters\/ must not import the services/)]);
  });

  it('rejects a kustomize/ file that imports an adapter', async () => {
    const messages = await restrictedImports(
      'kustomize/x.ts',
      "import { x } from '../adapters/git/index.js';\nexport const y = x;\n",
    );
    expect(messages).toEqual([expect.stringMatching(/kustomize\/ is a library over core\//)]);
  });
});
