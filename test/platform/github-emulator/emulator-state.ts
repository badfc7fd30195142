import type { KeyObject } from 'node:crypto';

/** A repository the emulator has seen: any `owner/repo` springs into being on first use. */
export interface RepoRecord {
  readonly owner: string;
  readonly name: string;
  readonly id: number;
  readonly ownerId: number;
  readonly defaultBranch: string;
  readonly createdAt: string;
}

/** A pull request seeded through the admin API; the emulator never opens one by itself. */
export interface PullRecord {
  readonly repoKey: string;
  readonly number: number;
  readonly id: number;
  readonly title: string;
  readonly body: string | null;
  readonly author: string;
  readonly head: { readonly ref: string; readonly sha: string };
  readonly base: { readonly ref: string; readonly sha: string };
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly draft: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A GitHub App registered through the admin API, whose JWTs the emulator then accepts. */
export interface AppRecord {
  readonly appId: string;
  readonly slug: string;
  readonly name: string;
  readonly publicKey: KeyObject;
  readonly ownerLogin: string;
  readonly createdAt: string;
}

/**
 * Who made a request: a plain token's user, a GitHub App acting through an installation token, or the App itself
 * (its JWT, on the `/app/…` endpoints).
 */
export type Actor =
  | { readonly kind: 'user'; readonly login: string }
  | { readonly kind: 'installation'; readonly app: AppRecord; readonly installationId: number }
  | { readonly kind: 'app'; readonly app: AppRecord };

/** An installation access token the emulator handed out. */
export interface InstallationToken {
  readonly app: AppRecord;
  readonly installationId: number;
  readonly expiresAt: Date;
}

/** Objects stored as GitHub returns them, plus what the emulator needs to find them again. */
export interface Stored<T> {
  readonly repoKey: string;
  readonly object: T;
}

type Kind =
  | 'repo'
  | 'user'
  | 'status'
  | 'check-run'
  | 'check-suite'
  | 'comment'
  | 'deployment'
  | 'deployment-status'
  | 'pull'
  | 'hook';

/** A repository webhook (`POST /repos/{owner}/{repo}/hooks`): the object GitHub returns, and its secret apart. */
export interface HookRecord extends Stored<Record<string, unknown>> {
  readonly id: number;
  readonly url: string;
  readonly secret: string;
  readonly events: readonly string[];
  readonly active: boolean;
}

/**
 * Everything the emulator remembers, in memory. Ids increase per kind from readable starting points, so an id in a
 * test log says what it is (a check run is 5xxxxx, a comment 7xxxxx).
 */
export class EmulatorState {
  private readonly counters = new Map<Kind, number>();
  readonly repos = new Map<string, RepoRecord>();
  readonly users = new Map<string, number>();
  readonly statuses: Array<Stored<Record<string, unknown>> & { readonly sha: string }> = [];
  readonly checkRuns = new Map<number, Stored<Record<string, unknown>>>();
  readonly comments = new Map<number, Stored<Record<string, unknown>> & { readonly issueNumber: number }>();
  readonly deployments = new Map<number, Stored<Record<string, unknown>>>();
  readonly deploymentStatuses = new Map<number, Array<Record<string, unknown>>>();
  readonly pulls = new Map<string, PullRecord>();
  readonly hooks = new Map<number, HookRecord>();
  readonly apps = new Map<string, AppRecord>();
  readonly installationTokens = new Map<string, InstallationToken>();

  /** The next id of a kind. */
  nextId(kind: Kind): number {
    const next = (this.counters.get(kind) ?? FIRST_IDS[kind]) + 1;
    this.counters.set(kind, next);
    return next;
  }

  /** The repository `owner/name`, created on first sight (names are case-insensitive, as on GitHub). */
  repo(owner: string, name: string): RepoRecord {
    const key = repoKey(owner, name);
    const known = this.repos.get(key);
    if (known !== undefined) return known;
    const record: RepoRecord = {
      owner,
      name,
      id: this.nextId('repo'),
      ownerId: this.userId(owner),
      defaultBranch: 'main',
      createdAt: isoNow(),
    };
    this.repos.set(key, record);
    return record;
  }

  /** A stable numeric id for a login. */
  userId(login: string): number {
    const key = login.toLowerCase();
    const known = this.users.get(key);
    if (known !== undefined) return known;
    const id = this.nextId('user');
    this.users.set(key, id);
    return id;
  }

  /** Forgets everything but registered apps: those are set up once per test suite, like a real App. */
  clear(): void {
    this.repos.clear();
    this.users.clear();
    this.statuses.length = 0;
    this.checkRuns.clear();
    this.comments.clear();
    this.deployments.clear();
    this.deploymentStatuses.clear();
    this.pulls.clear();
    this.hooks.clear();
    this.installationTokens.clear();
  }
}

const FIRST_IDS: Record<Kind, number> = {
  repo: 100_000,
  user: 200_000,
  status: 300_000,
  'check-suite': 400_000,
  'check-run': 500_000,
  deployment: 600_000,
  comment: 700_000,
  'deployment-status': 800_000,
  pull: 900_000,
  hook: 1_000_000,
};

/** The key under which a repository's objects are stored. */
export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

/** Now, as GitHub writes timestamps: ISO 8601 in UTC, to the second. */
export function isoNow(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A global node id in GitHub's legacy format (base64 of `<len>:<Type><id>`), e.g. `MDY6U3RhdHVzMQ==`. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}
