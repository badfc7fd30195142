// The one pull request comment: every environment's result for the head commit, in one body that is also its own
// store. The per-environment report jobs finish apart (other queues, other workers, after restarts); each reads the
// comment, replaces its own part and writes it back, so the comment gathers them without anything in memory.
// Hidden lines carry what a writer needs to refuse a stale write: the head commit and the request sequence.
// Each environment has up to two parts: its preview (state, namespace, URLs) and its dry-run diff.
import { code, codeBlock, truncate } from './markdown.js';
import { shortSha } from './deploy-report.js';

/** Issue comments hold 65,536 characters; bytes are counted, well under, so multi-byte text never crosses it. */
export const COMMENT_BYTE_BUDGET = 60_000;
/** One part's share before it is cut with a pointer to its check run. */
export const SECTION_BYTE_BUDGET = 8_000;

/** What a part of an environment's section is about: its preview, or the dry-run diff against the environment. */
export type CommentPart = 'preview' | 'diff';

/** One environment's result (or one part of it), as the report job or the teardown has it. */
export interface CommentSection {
  readonly environment: string;
  /** Default `diff`. */
  readonly part?: CommentPart;
  /**
   * The pull request's head commit the result is for. Absent for news about the pull request rather than a commit
   * (a preview torn down): the comment stays on its head, the other parts kept.
   */
  readonly head?: string;
  /** The request sequence: a newer push has a higher one. */
  readonly sequence: number;
  /** Markdown: the status line and the diff summary (already masked by core/report). */
  readonly markdown: string;
  /** The check run's page, where the whole report is. */
  readonly checkRunUrl?: string;
}

const STATE = /^<!-- gantry:head ([0-9a-f]{40}|-) sequence (\d+) -->$/m;
const SECTION = /<!-- gantry:env ([^ ]+) (preview|diff) -->\n([\s\S]*?)\n<!-- gantry:end \1 \2 -->/g;
const PART_ORDER: readonly CommentPart[] = ['preview', 'diff'];

/**
 * The comment body with `section` in place, or `undefined` when the write is stale (an older request's result
 * arriving after a newer head's). A newer head drops every older head's parts: they describe another commit.
 */
export function mergeCommentSection(current: string | undefined, section: CommentSection): string | undefined {
  const state = current === undefined ? undefined : STATE.exec(current);
  const storedHead = state?.[1] === '-' ? undefined : state?.[1];
  const sequence = state ? Number(state[2]) : 0;
  if (section.sequence < sequence) return undefined;
  const head = section.head ?? storedHead;
  const keep = section.head === undefined || (storedHead === section.head && section.sequence === sequence);
  const parts = new Map<string, string>();
  if (current !== undefined && keep) {
    for (const match of current.matchAll(SECTION)) parts.set(`${match[1]!} ${match[2]!}`, match[3]!);
  }
  parts.set(`${section.environment} ${section.part ?? 'diff'}`, partMarkdown(section));
  return render(head, Math.max(sequence, section.sequence), parts);
}

function partMarkdown(section: CommentSection): string {
  const link = section.checkRunUrl ? `[check run](${section.checkRunUrl})` : 'its check run';
  return cutToBytes(section.markdown, SECTION_BYTE_BUDGET, `\n\n_… cut here: the whole report is in ${link}._`) +
    (section.checkRunUrl ? `\n\n${link}` : '');
}

function render(head: string | undefined, sequence: number, parts: ReadonlyMap<string, string>): string {
  const state = `<!-- gantry:head ${head ?? '-'} sequence ${sequence} -->`;
  const title = head
    ? `## gantry: what \`${shortSha(head)}\` changes, per environment`
    : '## gantry: this pull request, per environment';
  const byEnvironment = new Map<string, [CommentPart, string][]>();
  for (const [key, markdown] of parts) {
    const [environment = '', part] = key.split(' ') as [string, CommentPart];
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), [part, markdown]]);
  }
  const sections = [...byEnvironment.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([environment, list]) =>
      [
        `### ${environment}`,
        ...list
          .sort(([a], [b]) => PART_ORDER.indexOf(a) - PART_ORDER.indexOf(b))
          .map(([part, markdown]) => `<!-- gantry:env ${environment} ${part} -->\n${markdown}\n<!-- gantry:end ${environment} ${part} -->`),
      ].join('\n\n'),
    );
  const body = [state, title, ...sections].join('\n\n');
  return cutToBytes(body, COMMENT_BYTE_BUDGET, '\n\n_… cut here: the comment is longer than GitHub allows; each environment\'s check run has its whole report._');
}

/** Where a pull request's preview of one environment stands, as the comment says it. */
export type PreviewState = 'deploying' | 'healthy' | 'failed' | 'torn-down';

/** What the comment says about one preview. */
export interface PreviewFacts {
  /** `pr-12/dev`: its GitHub environment. */
  readonly environmentName: string;
  readonly namespace: string;
  readonly state: PreviewState;
  /** The commit deployed (absent for a teardown). */
  readonly sha?: string;
  /** `<service>.<namespace>.svc.cluster.local`, known once rendered. */
  readonly urls?: readonly string[];
  /** Cluster-scoped objects of the render it did not apply (`Kind/name`). */
  readonly skipped?: readonly string[];
  /** The env.yaml fields the pull request changes that its preview did not use (the base branch's configure it). */
  readonly ignoredConfig?: readonly string[];
  /** One line: why it failed (when the failure itself is not known), or why it was torn down. */
  readonly why?: string;
  /** Why it failed, in the pipeline's words: the reason and the message (cut to 1,000 characters here). */
  readonly failure?: { readonly reason: string; readonly message: string };
}

const PREVIEW_ICON: Readonly<Record<PreviewState, string>> = {
  deploying: '⏳',
  healthy: '✅',
  failed: '❌',
  'torn-down': '🗑️',
};

/** The preview part of an environment's section: its state, namespace and in-cluster URLs. */
export function previewMarkdown(facts: PreviewFacts): string {
  const at = facts.sha ? ` at ${code(shortSha(facts.sha))}` : '';
  const state = facts.state === 'torn-down' ? 'torn down' : facts.state;
  const lines = [
    `${PREVIEW_ICON[facts.state]} Preview ${code(facts.environmentName)}: **${state}**${at}, namespace ${code(facts.namespace)}${
      facts.state === 'torn-down' ? ' deleted' : ''
    }.`,
  ];
  if (facts.failure)
    lines.push('', `**${facts.failure.reason}**`, codeBlock(truncate(facts.failure.message, 1_000)));
  else if (facts.why) lines.push('', facts.why);
  if (facts.state !== 'torn-down' && facts.urls && facts.urls.length > 0)
    lines.push('', 'In-cluster URLs:', ...facts.urls.map((url) => `- ${code(url)}`));
  if (facts.state !== 'torn-down' && facts.skipped && facts.skipped.length > 0)
    lines.push('', `Not applied (cluster-scoped): ${facts.skipped.map(code).join(', ')}.`);
  if (facts.state !== 'torn-down' && facts.ignoredConfig && facts.ignoredConfig.length > 0)
    lines.push('', ignoredConfigLine(facts.ignoredConfig));
  if (facts.state === 'failed')
    lines.push('', 'A failed preview is not rolled back: whatever it deployed stays for inspection until the next push or the pull request closes.');
  return lines.join('\n');
}

/**
 * The sentence a preview's check run and comment carry when the pull request changes its environment's env.yaml:
 * the preview ran under the base branch's (core/deploy/preview.ts `policyCommit`).
 */
export function ignoredConfigLine(fields: readonly string[]): string {
  const what = fields.length === 1 && fields[0] === 'env.yaml' ? 'env.yaml' : `env.yaml (${fields.map(code).join(', ')})`;
  return `This pull request changes ${what}: not used for its own preview, which runs under the base branch's configuration (cluster, namespace prefix, quota, limits, network boundary); the changes apply once merged.`;
}

/** Why a fork's pull request has no preview of an environment, and what a maintainer can do about it. */
export function forkWithoutPreviewMarkdown(forkLabel: string | undefined): string {
  const remedy =
    forkLabel === undefined
      ? 'This environment sets no `preview.forkLabel`, so pull requests from forks never get one.'
      : `A maintainer who trusts this code adds the label ${code(forkLabel)} to deploy one.`;
  return `🔒 No preview: this pull request comes from a fork, and its code would run with the cluster's access. ${remedy}`;
}

/** `text` within `budget` UTF-8 bytes, code points never split, ending in `note` when cut. */
function cutToBytes(text: string, budget: number, note: string): string {
  if (bytes(text) <= budget) return text;
  const room = budget - bytes(note);
  let used = 0;
  let out = '';
  for (const char of text) {
    used += bytes(char);
    if (used > room) break;
    out += char;
  }
  return out + note;
}

const encoder = new TextEncoder();
function bytes(text: string): number {
  return encoder.encode(text).length;
}
