/** GitHub's limits on the text fields we send (from its REST description and docs). */
export const LIMITS = {
  /** Commit status and deployment status `description`. */
  statusDescription: 140,
  /** Check run `output.title` is not limited by the schema; GitHub shows about this much. */
  checkTitle: 255,
  /** Check run `output.summary` and `output.text`. */
  checkText: 65_535,
  /** Annotations per check run create or update request. */
  checkAnnotations: 50,
  /** Issue comment `body`. */
  commentBody: 65_536,
} as const;

const ELLIPSIS = '…';

/** `text` cut to at most `max` characters (code points never split), ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

/** Markdown cut to `max`, with a visible note rather than a silently missing end. */
export function truncateMarkdown(markdown: string, max: number): string {
  const note = '\n\n_… truncated: the full report is longer than GitHub allows here._';
  if (Array.from(markdown).length <= max) return markdown;
  return Array.from(markdown).slice(0, max - note.length).join('') + note;
}
