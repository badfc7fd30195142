// Real git repositories for tests: a bare "origin" and a working clone that writes files, commits and pushes, all
// in a temp dir. Tests push for real and the code under test fetches from `cloneUrl` as it would from GitHub.
import { mkdtemp, mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

/** Files to write: path (relative to the clone) → content; `null` deletes the file. */
export type FixtureFiles = Readonly<Record<string, string | Uint8Array | null>>;

/** How to create a {@link GitFixture}. */
export interface GitFixtureOptions {
  /** Parent directory; default a new `gantry-git-*` temp dir (removed by `cleanup`). E2e tests pass `need('git').root`. */
  readonly root?: string;
  /** Name of the bare repository directory (`<name>.git`). Default `origin`. */
  readonly name?: string;
  /** Default `main`. */
  readonly defaultBranch?: string;
  /** Files of the first commit; when given, it is committed and pushed at creation. */
  readonly initialFiles?: FixtureFiles;
}

/** A bare origin and a working clone of it. */
export interface GitFixture {
  /** The directory holding both repositories. */
  readonly root: string;
  /** The bare repository, usable as a clone URL (a path) by any git client. */
  readonly cloneUrl: string;
  readonly originDir: string;
  readonly workDir: string;
  /** simple-git on the working clone, for anything the helpers below do not cover. */
  readonly git: SimpleGit;
  /** Writes (or, for `null`, deletes) files in the working clone, creating directories. */
  writeFiles(files: FixtureFiles): Promise<void>;
  /** Creates a symlink at `path` whose target is `target`, verbatim (relative or absolute). */
  symlink(path: string, target: string): Promise<void>;
  /** Writes `files`, stages everything and commits; returns the new commit's sha. Allows an empty commit. */
  commit(message: string, files?: FixtureFiles): Promise<string>;
  /** Pushes `branch` (default: the current one) to origin, creating it there if needed. */
  push(branch?: string): Promise<void>;
  /** `commit` then `push`; returns the sha. */
  commitAndPush(message: string, files?: FixtureFiles): Promise<string>;
  /** Switches the clone to `branch`, creating it from the current commit if it does not exist. */
  switchBranch(branch: string): Promise<void>;
  headSha(): Promise<string>;
  /** Removes the temp dir (only when the fixture created it). */
  cleanup(): Promise<void>;
}

const AUTHOR = ['-c', 'user.name=Gantry Test', '-c', 'user.email=gantry-test@example.com', '-c', 'commit.gpgsign=false'];

/** Creates a bare origin and a working clone; with `initialFiles`, commits and pushes them. */
export async function createGitFixture(options: GitFixtureOptions = {}): Promise<GitFixture> {
  const ownsRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'gantry-git-')));
  const branch = options.defaultBranch ?? 'main';
  const originDir = join(root, `${options.name ?? 'origin'}.git`);
  const workDir = join(root, `${options.name ?? 'origin'}-work`);
  await mkdir(workDir, { recursive: true });
  await simpleGit(root).raw(['init', '--bare', '--quiet', `--initial-branch=${branch}`, originDir]);
  const git = simpleGit(workDir);
  await git.raw(['init', '--quiet', `--initial-branch=${branch}`]);
  await git.raw(['remote', 'add', 'origin', originDir]);

  const fixture: GitFixture = {
    root,
    cloneUrl: originDir,
    originDir,
    workDir,
    git,
    writeFiles: (files) => writeFixtureFiles(workDir, files),
    symlink: async (path, target) => {
      await mkdir(dirname(join(workDir, path)), { recursive: true });
      await symlink(target, join(workDir, path));
    },
    commit: async (message, files = {}) => {
      await writeFixtureFiles(workDir, files);
      await git.raw(['add', '--all']);
      await git.raw([...AUTHOR, 'commit', '--quiet', '--allow-empty', '-m', message]);
      return fixture.headSha();
    },
    push: async (target) => {
      const name = target ?? (await git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
      await git.raw(['push', '--quiet', 'origin', `HEAD:refs/heads/${name}`]);
    },
    commitAndPush: async (message, files) => {
      const sha = await fixture.commit(message, files);
      await fixture.push();
      return sha;
    },
    switchBranch: async (name) => {
      const exists = (await git.branchLocal()).all.includes(name);
      await git.raw(exists ? ['switch', '--quiet', name] : ['switch', '--quiet', '-c', name]);
    },
    headSha: async () => (await git.revparse(['HEAD'])).trim(),
    cleanup: async () => {
      await rm(ownsRoot ? root : originDir, { recursive: true, force: true });
      if (!ownsRoot) await rm(workDir, { recursive: true, force: true });
    },
  };
  if (options.initialFiles !== undefined) await fixture.commitAndPush('initial commit', options.initialFiles);
  return fixture;
}

async function writeFixtureFiles(workDir: string, files: FixtureFiles): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(workDir, path);
    if (content === null) {
      await unlink(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}
