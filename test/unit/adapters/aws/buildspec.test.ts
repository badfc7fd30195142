// The buildspec's shell, run by bash as CodeBuild runs it (`env.shell: bash`). docker is a FAKE here (a shell
// function printing its arguments one per line): nothing can run Docker on this machine, and what is checked is
// only what the buildspec hands to it.
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { BUILD_ARG_PREFIX, BUILDSPEC } from '../../../../adapters/aws/codebuild-project.js';

interface Buildspec {
  version: number;
  env: { shell: string };
  phases: Record<string, { commands: string[] }>;
}

const spec = parse(BUILDSPEC) as Buildspec;

function runBuildCommand(buildArgs: Record<string, string>): string[] {
  const script = `docker() { printf '%s\\n' "$@"; }\n${spec.phases.build!.commands.join('\n')}`;
  const env = Object.fromEntries(
    Object.entries(buildArgs).map(([name, value]) => [`${BUILD_ARG_PREFIX}${name}`, value]),
  );
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: {
      PATH: process.env.PATH,
      DOCKERFILE: 'src/catalog/Dockerfile',
      IMAGE_REPOSITORY: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog',
      IMAGE_TAG: 'c0ffee',
      ...env,
    },
    encoding: 'utf8',
  });
  return out.trimEnd().split('\n');
}

describe('the CodeBuild buildspec', () => {
  it('is a version 0.2 buildspec in bash with the pre_build, build and post_build phases', () => {
    expect(spec.version).toBe(0.2);
    expect(spec.env.shell).toBe('bash');
    expect(Object.keys(spec.phases)).toEqual(['pre_build', 'build', 'post_build']);
  });

  it('hands docker build the Dockerfile, each build argument unchanged, the tag and the unpacked context', () => {
    expect(
      runBuildCommand({
        BASE: 'public.ecr.aws/docker/library/node:22-slim',
        GREETING: 'hello "world" $HOME; rm -rf /',
      }),
    ).toEqual([
      'build',
      '--file',
      '/tmp/context/src/catalog/Dockerfile',
      '--build-arg',
      'BASE=public.ecr.aws/docker/library/node:22-slim',
      '--build-arg',
      'GREETING=hello "world" $HOME; rm -rf /',
      '--tag',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog:c0ffee',
      '/tmp/context',
    ]);
  });

  it('passes no build argument when there is none', () => {
    expect(runBuildCommand({})).toEqual([
      'build',
      '--file',
      '/tmp/context/src/catalog/Dockerfile',
      '--tag',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog:c0ffee',
      '/tmp/context',
    ]);
  });

  it('logs in to the registry host of the repository and pushes only after a successful build', () => {
    expect(spec.phases.pre_build!.commands[0]).toContain('--password-stdin "${IMAGE_REPOSITORY%%/*}"');
    expect(spec.phases.post_build!.commands).toEqual([
      'test "$CODEBUILD_BUILD_SUCCEEDING" = 1 && docker push "$IMAGE_REPOSITORY:$IMAGE_TAG"',
    ]);
  });
});
