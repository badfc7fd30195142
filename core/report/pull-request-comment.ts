// The one pull request comment: every environment's result for the head commit, in one body that is also its own
// store. The per-environment report jobs finish apart (other queues, other workers, after restarts); each reads the
// comment, replaces its own section and writes it back, so the comment gathers them without anything in memory.
// Hidden lines carry what a writer needs to refuse a stale write: the head commit and the request sequence.
import { shortSha } from './deploy-report.js';

/** Issue comments hold 65,536 characters; bytes are counted, well under, so multi-byte text never crosses it. */
export const COMMENT_BYTE_BUDGET = 60_000;
/** One environment's share before its section is cut with a pointer to its check run. */
export const SECTION_BYTE_BUDGET = 8_000;

/** One environment's result, as the report job has it. */
export interface CommentSection {
  readonly environment: string;
  /** The pull request's head commit the result is for. */
  readonly head: string;
  /** The request sequence: a newer push has a higher one. */
  readonly sequence: number;
  /** Markdown: the status line and the diff summary (already masked by core/report). */
  readonly markdown: string;
  /** The check run's page, where the whole report is. */
  readonly checkRunUrl?: string;
}

const STATE = /^<!-- gantry:head ([0-9a-f]{40}) sequence (\d+) -->$/m;
const SECTION = /<!-- gantry:env ([^ ]+) -->\n([\s\S]*?)\n<!-- gantry:end \1 -->/g;

/**
 * The comment body with `section` in place, or `undefined` when the write is stale (an older request's result
 * arriving after a newer head's). A newer head drops every older head's sections: they describe another commit.
 */
export function mergeCommentSection(current: string | undefined, section: CommentSection): string | undefined {
  const state = current === undefined ? undefined : STATE.exec(current);
  const sequence = state ? Number(state[2]) : 0;
  if (section.sequence < sequence) return undefined;
  const sameHead = state?.[1] === section.head && section.sequence === sequence;
  const sections = new Map<string, string>();
  if (current !== undefined && sameHead) {
    for (const match of current.matchAll(SECTION)) sections.set(match[1]!, match[2]!);
  }
  sections.set(section.environment, sectionMarkdown(section));
  return render(section, sections);
}

function sectionMarkdown(section: CommentSection): string {
  const link = section.checkRunUrl ? `[check run](${section.checkRunUrl})` : 'its check run';
  const text = `### ${section.environment}\n\n${section.markdown}`;
  return cutToBytes(text, SECTION_BYTE_BUDGET, `\n\n_… cut here: the whole report is in ${link}._`) +
    (section.checkRunUrl ? `\n\n${link}` : '');
}

function render(section: CommentSection, sections: ReadonlyMap<string, string>): string {
  const head = `<!-- gantry:head ${section.head} sequence ${section.sequence} -->`;
  const title = `## gantry: what \`${shortSha(section.head)}\` changes, per environment`;
  const parts = [...sections.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([environment, markdown]) => `<!-- gantry:env ${environment} -->\n${markdown}\n<!-- gantry:end ${environment} -->`);
  const body = [head, title, ...parts].join('\n\n');
  return cutToBytes(body, COMMENT_BYTE_BUDGET, '\n\n_… cut here: the comment is longer than GitHub allows; each environment\'s check run has its whole report._');
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
