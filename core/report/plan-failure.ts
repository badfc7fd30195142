// What GitHub shows when a commit could not even be planned (an invalid env.yaml, a commit the remote does not
// have): no environment was picked, so no `deploy/<env>` report exists to carry the reason. One `deploy/plan`
// status and check run say why, on the commit the push or pull request is about.
import { Reason } from '../reasons.js';
import { STATUS_DESCRIPTION_LIMIT } from './commit-status.js';
import { shortSha } from './deploy-report.js';
import { codeBlock, truncate } from './markdown.js';
import { CHECK_RUN_SUMMARY_LIMIT } from './summarize.js';

/**
 * The context of a plan's failure report. Not `deploy/<env>`: while an env.yaml is invalid the planner cannot tell
 * which environments the commit reaches (the broken file may be the one naming the branch), so the failure is told
 * once, for the commit, and every `deploy/<env>` stays absent rather than guessed.
 */
export const PLAN_CONTEXT = 'deploy/plan';

/** A plan that failed for good. */
export interface PlanFailure {
  /** The commit reported on: a push's new tip, a pull request's head. */
  readonly sha: string;
  /** The commit whose configuration was read, when not `sha` (a pull request reads its base's). */
  readonly configSha?: string;
  readonly reason: Reason;
  /** The planner's message: for invalid configuration, every file and field with what to write instead. */
  readonly message: string;
}

/** What GitHub is told about a failed plan: the status line (≤ 140 characters), the check run title and summary. */
export interface PlanFailureReport {
  readonly context: string;
  readonly description: string;
  readonly title: string;
  readonly summary: string;
}

/** The words of a failed plan's commit status and check run. */
export function planFailureReport(failure: PlanFailure): PlanFailureReport {
  const sha = shortSha(failure.sha);
  const fromBase = failure.configSha !== undefined && failure.configSha !== failure.sha;
  const title = `${sha} was not deployed: ${failure.reason === Reason.InvalidConfig ? 'its configuration is invalid' : 'planning failed'}`;
  const where = fromBase
    ? `the environments' configuration at the base commit ${shortSha(failure.configSha ?? '')}`
    : `the environments' configuration at this commit`;
  const summary = [
    `### ❌ ${title}`,
    `Gantry could not decide which environments ${sha} goes to from ${where}, so it deployed nothing. ` +
      'Fix what is listed below and push again.',
    `#### Why it failed\n**${failure.reason}**\n\n${codeBlock(truncate(failure.message, 20_000))}`,
  ].join('\n\n');
  return {
    context: PLAN_CONTEXT,
    description: truncate(
      `Not deployed (${failure.reason}): ${firstProblem(failure.message)}`,
      STATUS_DESCRIPTION_LIMIT,
    ),
    title,
    summary: truncate(summary, CHECK_RUN_SUMMARY_LIMIT),
  };
}

/**
 * The line a reader needs first. A config error reads `<file> is invalid (n problems):` then one indented
 * `<file>: <field>: <what to do>` line per problem; the first problem line names the file and the field.
 */
function firstProblem(message: string): string {
  const lines = message.split('\n').map((line) => line.trim());
  const detail = lines.length > 1 && /is invalid \(\d+ problems?\):$/.test(lines[0] ?? '') ? lines[1] : lines[0];
  return (detail ?? message).replaceAll(/\s+/g, ' ');
}
