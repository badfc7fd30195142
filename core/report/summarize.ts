import type { ChangeSet, ChangeSetEntry } from '../diff/change-set.js';
import { countActions } from '../diff/change-set.js';
import type { FieldChange } from '../diff/field-changes.js';
import type { AggregateHealth } from '../health/aggregate-health.js';
import { formatRef } from '../kube/object.js';
import type { PruneSkipReason } from '../prune/plan-prune.js';
import type { CanaryGateRecord, CanaryProgress, Timings } from '../release/release.js';
import { DEPLOY_STAGES } from '../release/release.js';
import type { DeployReport, ReportOutcome } from './deploy-report.js';
import { shortSha } from './deploy-report.js';
import { ignoredConfigLine } from './pull-request-comment.js';
import { cell, code, codeBlock, displayPath, humanDuration, inlineValue, table, truncate } from './markdown.js';

/** GitHub rejects a check run output `summary` longer than this. */
export const CHECK_RUN_SUMMARY_LIMIT = 65_535;
/** Room kept free for the notes that say what was left out. */
const RESERVE = 600;
const MAX_HEALTH_ROWS = 20;
const MAX_DIFF_LINES_PER_OBJECT = 40;

const ICON: Readonly<Record<ReportOutcome, string>> = {
  'in-progress': '⏳',
  planned: '📝',
  succeeded: '✅',
  failed: '❌',
  'rolled-back': '↩️',
  'rollback-failed': '🚨',
  superseded: '⏭️',
};

/**
 * The check run output for one environment and one commit: a one-line `title` and a Markdown `summary` with the
 * outcome, the rollback, why it failed, the ChangeSet (counts, then one row per object that changes), health and
 * timings. Object rows and field diffs give way first when the summary would exceed GitHub's limit, with a note
 * saying how many were left out and how to see them all.
 */
export function summarize(report: DeployReport): { title: string; summary: string } {
  const title = headline(report);
  const before = [`### ${ICON[report.outcome]} ${title}`, banner(report), failureSection(report), previewSection(report)];
  const after = [canarySection(report), healthSection(report.health), timingsSection(report.timings)];
  const fixed = [...before, ...after].filter(Boolean).join('\n\n').length;
  const changes = report.changeSet
    ? changesSection(report, report.changeSet, CHECK_RUN_SUMMARY_LIMIT - fixed - RESERVE)
    : '';
  const summary = [...before, changes, ...after].filter(Boolean).join('\n\n');
  return { title, summary: truncate(summary, CHECK_RUN_SUMMARY_LIMIT) };
}

function headline(report: DeployReport): string {
  const sha = shortSha(report.sha);
  const where =
    report.target?.kind === 'preview'
      ? `the ${report.environment} preview (${report.target.namespace})`
      : report.environment;
  switch (report.outcome) {
    case 'in-progress':
      return report.mode === 'dry-run'
        ? `Computing what ${sha} would change in ${where}`
        : `Deploying ${sha} to ${where}`;
    case 'planned':
      return `What ${sha} would change in ${where}`;
    case 'succeeded':
      return `Deployed ${sha} to ${where}`;
    case 'failed':
      return report.mode === 'dry-run'
        ? `${sha} cannot be deployed to ${where}`
        : `Deploying ${sha} to ${where} failed`;
    case 'rolled-back':
      return `${sha} failed in ${where} and was rolled back${report.rolledBackTo ? ` to ${shortSha(report.rolledBackTo.sha)}` : ''}`;
    case 'rollback-failed':
      return `${sha} failed in ${where}, and the rollback failed too`;
    case 'superseded':
      return `${sha} was superseded in ${where}${report.supersededBy ? ` by ${shortSha(report.supersededBy)}` : ''}`;
  }
}

function banner(report: DeployReport): string {
  const target = report.rolledBackTo;
  switch (report.outcome) {
    case 'rolled-back':
      return `> [!WARNING]\n> Rolled back to ${target ? `revision ${target.revision} (${code(shortSha(target.sha))})` : 'the last good release'}: the environment runs the last good release again.`;
    case 'rollback-failed':
      return "> [!CAUTION]\n> **The automatic rollback failed.** The environment is in neither release's state and needs a person: check `gantry history` and `gantry status`, then `gantry rollback`.";
    case 'superseded':
      return `> A newer commit${report.supersededBy ? ` (${code(shortSha(report.supersededBy))})` : ''} for the same environment took over, so this one was not deployed on its own.`;
    case 'planned':
      return '> Dry run: the apiserver validated every object; nothing was applied.';
    default:
      return '';
  }
}

/** Where the preview is, and what of the render it left out; a failed preview stays as it is for inspection. */
function previewSection(report: DeployReport): string {
  const preview = report.preview;
  if (!preview) return '';
  const lines = [`#### Preview ${code(preview.environmentName)}`, `Namespace ${code(preview.namespace)}.`];
  if (preview.urls.length > 0) lines.push('', 'In-cluster URLs:', ...preview.urls.map((url) => `- ${code(url)}`));
  if (preview.skipped.length > 0)
    lines.push(
      '',
      `Not applied (cluster-scoped: shared with the environment, so a pull request may not change them): ${preview.skipped
        .map((ref) => code(ref.name === '' ? ref.kind : `${ref.kind}/${ref.name}`))
        .join(', ')}.`,
    );
  if (preview.ignoredConfig && preview.ignoredConfig.length > 0) lines.push('', ignoredConfigLine(preview.ignoredConfig));
  if (report.outcome === 'failed')
    lines.push('', 'A failed preview is not rolled back: it stays as it is for inspection until the next push or the pull request closes.');
  return lines.join('\n');
}

function failureSection(report: DeployReport): string {
  if (!report.failure || report.outcome === 'superseded') return '';
  return `#### Why it failed\n**${report.failure.reason}**\n\n${codeBlock(truncate(report.failure.message, 4_000))}`;
}

const ACTION_ORDER = ['created', 'configured', 'deleted', 'skipped'] as const;
const SKIP_TEXT: Readonly<Record<PruneSkipReason, string>> = {
  'prune-off': 'not rendered any more; kept because apply.prune is false',
  annotation: 'not rendered any more; kept by its gantry.dev/prune: disabled annotation',
  'protected-kind': 'not rendered any more; Namespaces and CRDs are never pruned',
  'already-gone': 'not rendered any more; already gone from the cluster',
};

function changesSection(report: DeployReport, changeSet: ChangeSet, budget: number): string {
  const counts = countActions(changeSet);
  const heading = report.mode === 'dry-run' ? '#### What would change' : '#### Changes';
  const countsTable = table(
    [...ACTION_ORDER.slice(0, 2), 'unchanged', ...ACTION_ORDER.slice(2)],
    [[counts.created, counts.configured, counts.unchanged, counts.deleted, counts.skipped].map(String)],
    ['right', 'right', 'right', 'right', 'right'],
  );
  const entries = ACTION_ORDER.flatMap((action) =>
    changeSet.entries.filter((entry) => entry.action === action).sort(byRef),
  );
  if (entries.length === 0) return `${heading}\n${countsTable}\n\nNothing to change: every object is up to date.`;
  const available = budget - heading.length - countsTable.length;
  // Rows get most of the room, field diffs the rest: a reader first wants to know which objects change.
  let rowRoom = Math.floor(available * 0.6);
  const rows: string[][] = [];
  for (const entry of entries) {
    const row = [entry.action, code(formatRef(entry.ref)), cell(entryNote(entry))];
    const length = row.join(' | ').length + 5;
    if (length > rowRoom) break;
    rows.push(row);
    rowRoom -= length;
  }
  const remaining = available - (Math.floor(available * 0.6) - rowRoom);
  const omitted = entries.length - rows.length;
  const more =
    omitted > 0
      ? `\n\n_… and ${omitted} more object${omitted === 1 ? '' : 's'}; run ${code(`gantry diff --env ${report.environment}`)} for all of them._`
      : '';
  const details = fieldDiffs(entries.slice(0, rows.length), remaining, report.environment);
  return [`${heading}\n${countsTable}`, `${table(['Action', 'Object', 'What'], rows)}${more}`, details]
    .filter(Boolean)
    .join('\n\n');
}

function byRef(a: ChangeSetEntry, b: ChangeSetEntry): number {
  const [x, y] = [formatRef(a.ref), formatRef(b.ref)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function entryNote(entry: ChangeSetEntry): string {
  if (entry.action === 'skipped') return SKIP_TEXT[entry.reason];
  const diff = changedFields(entry);
  if (diff === undefined) return '';
  const paths = diff.map((change) => displayPath(change.path));
  const shown = paths.slice(0, 3).map(code).join(', ');
  const fields = paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
  if (entry.action !== 'created' || entry.replaces === undefined) return fields;
  return `replaces ${code(entry.replaces.ref.name)}${paths.length === 0 ? ', same content' : `: ${fields}`}`;
}

/** The field changes an entry shows: a configured object's, or a generated object's against its predecessor. */
function changedFields(entry: ChangeSetEntry): readonly FieldChange[] | undefined {
  if (entry.action === 'configured') return entry.diff;
  return entry.action === 'created' ? entry.replaces?.diff : undefined;
}

/**
 * A collapsed block with the field changes of each configured object (and each generated object against its
 * predecessor), as many objects as the budget allows.
 */
function fieldDiffs(entries: readonly ChangeSetEntry[], budget: number, environment: string): string {
  const open = '<details><summary>Field changes</summary>\n\n';
  const close = '\n</details>';
  let remaining = budget - open.length - close.length - 200;
  const blocks: string[] = [];
  const configured = entries.filter((entry) => (changedFields(entry)?.length ?? 0) > 0);
  for (const entry of configured) {
    const replaces = entry.action === 'created' && entry.replaces ? ` (replaces ${code(entry.replaces.ref.name)})` : '';
    const block = `**${code(formatRef(entry.ref))}**${replaces}\n${codeBlock(diffLines(changedFields(entry) ?? []), 'diff')}`;
    if (block.length + 2 > remaining) break;
    blocks.push(block);
    remaining -= block.length + 2;
  }
  if (configured.length === 0) return '';
  const omitted = configured.length - blocks.length;
  const note =
    omitted > 0
      ? `\n\n_Field changes of ${omitted} more object${omitted === 1 ? '' : 's'} left out; run ${code(`gantry diff --env ${environment}`)}._`
      : '';
  return `${open}${blocks.join('\n\n')}${note}${close}`;
}

function diffLines(changes: readonly FieldChange[]): string {
  const lines = changes.flatMap((change) => {
    const path = displayPath(change.path);
    if (change.kind === 'added') return [`+ ${path}: ${inlineValue(change.after)}`];
    if (change.kind === 'removed') return [`- ${path}: ${inlineValue(change.before)}`];
    return [`- ${path}: ${inlineValue(change.before)}`, `+ ${path}: ${inlineValue(change.after)}`];
  });
  if (lines.length <= MAX_DIFF_LINES_PER_OBJECT) return lines.join('\n');
  return [
    ...lines.slice(0, MAX_DIFF_LINES_PER_OBJECT),
    `  … ${lines.length - MAX_DIFF_LINES_PER_OBJECT} more lines`,
  ].join('\n');
}

function healthSection(health: AggregateHealth | undefined): string {
  if (!health) return '';
  if (health.unhealthy.length === 0) return `#### Health\n${ICON.succeeded} ${health.message}.`;
  const rows = health.unhealthy
    .slice(0, MAX_HEALTH_ROWS)
    .map(({ ref, health: h }) => [h.status, code(formatRef(ref)), h.reason, cell(truncate(h.message, 300))]);
  const omitted = health.unhealthy.length - rows.length;
  const more = omitted > 0 ? `\n\n_… and ${omitted} more not healthy._` : '';
  const counts = `${health.counts.Healthy} healthy, ${health.counts.Progressing} progressing, ${health.counts.Degraded} degraded, ${health.counts.Unknown} unknown`;
  return `#### Health\n**${health.status}** (${counts})\n\n${table(['State', 'Object', 'Reason', 'Message'], rows)}${more}`;
}

function canarySection(report: DeployReport): string {
  const canaries = report.canaries ?? [];
  const steps = report.canarySteps ?? [];
  if (canaries.length === 0 && steps.length === 0) return '';
  const outcomes =
    canaries.length === 0
      ? ''
      : `\n${table(
          ['app', 'traffic', 'outcome', 'gate'],
          canaries.map((c) => [cell(c.app), cell(c.provider), cell(c.outcome), cell(c.gate)]),
        )}`;
  const walked =
    steps.length === 0
      ? ''
      : `\n${table(
          ['app', 'traffic', 'step', 'stable/canary', 'checks', 'latest check'],
          steps.flatMap(stepRows),
          ['left', 'left', 'left', 'right', 'right', 'left'],
        )}`;
  return `#### Canaries${outcomes}${walked}`;
}

const VERDICT: Readonly<Record<CanaryGateRecord['verdict'], string>> = {
  pass: '✅ pass',
  fail: '❌ fail',
  inconclusive: '❔ no data',
  fatal: '🚨 fatal',
};

/**
 * One row per step the canary reached: the weights the route held, how many checks ran there (of those the record
 * still keeps) and the latest one's verdict and findings. The current step says where the walk stands.
 */
function stepRows(progress: CanaryProgress): string[][] {
  const rows: string[][] = [];
  for (let step = 0; step <= progress.step; step++) {
    const checks = progress.gates.filter((gate) => gate.step === step);
    const latest = checks.at(-1);
    // Once settled the route is back at 100/0: the last step's weights are the ones its checks saw.
    const settled = progress.phase === 'promoted' || progress.phase === 'aborted';
    const weights = step === progress.step && !settled ? progress.weights : latest?.weights;
    const current = step === progress.step ? ` (${PHASE[progress.phase]})` : '';
    rows.push([
      cell(progress.app),
      cell(progress.provider),
      `${step + 1} of ${progress.steps}${current}`,
      weights ? `${weights.stable}/${weights.canary}` : '',
      String(checks.length),
      latest ? cell(truncate(`${VERDICT[latest.verdict]}: ${latest.findings.join('; ')}`, 300)) : 'not checked yet',
    ]);
  }
  return rows;
}

const PHASE: Readonly<Record<CanaryProgress['phase'], string>> = {
  stepping: 'now',
  promoting: 'promoting',
  promoted: 'promoted',
  aborting: 'aborting: stable first, then the route',
  aborted: 'aborted',
};

function timingsSection(timings: Timings | undefined): string {
  const stages = DEPLOY_STAGES.filter((stage) => timings?.[stage] !== undefined);
  if (!timings || stages.length === 0) return '';
  const total = stages.reduce((sum, stage) => sum + (timings[stage] ?? 0), 0);
  const row = [...stages.map((stage) => humanDuration(timings[stage] ?? 0)), humanDuration(total)];
  return `#### Timings\n${table(
    [...stages, 'total'],
    [row],
    row.map(() => 'right'),
  )}`;
}
