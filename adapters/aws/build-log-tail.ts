// The last lines of a build's CloudWatch Logs stream, for the BuildFailure that GitHub shows. Reading them is best
// effort: a build that failed before it logged anything, or a role without logs:GetLogEvents, still reports its
// failure, just without a tail.
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Build } from '@aws-sdk/client-codebuild';

/** How many log lines a failure carries. */
export const LOG_TAIL_LINES = 40;

/**
 * Where CodeBuild writes a build's log: the build's own `logs` when it names them, else CodeBuild's defaults
 * (group `/aws/codebuild/<project>`, stream = the build id after the project name).
 */
export function logLocation(build: Build): { group: string; stream: string } | undefined {
  const id = build.id ?? '';
  const project = build.projectName ?? id.split(':')[0];
  const group = build.logs?.groupName ?? (project ? `/aws/codebuild/${project}` : undefined);
  const stream = build.logs?.streamName ?? id.split(':')[1];
  return group && stream ? { group, stream } : undefined;
}

/** The last {@link LOG_TAIL_LINES} lines of `build`'s log, or undefined when there is none to read. */
export async function readLogTail(
  logs: CloudWatchLogsClient,
  build: Build,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const location = logLocation(build);
  if (!location) return undefined;
  try {
    const answer = await logs.send(
      new GetLogEventsCommand({
        logGroupName: location.group,
        logStreamName: location.stream,
        startFromHead: false,
        limit: LOG_TAIL_LINES,
      }),
      { abortSignal: signal },
    );
    const lines = (answer.events ?? []).flatMap((event) => (event.message ?? '').replace(/\n$/, '').split('\n'));
    return lines.length > 0 ? lines.slice(-LOG_TAIL_LINES).join('\n') : undefined;
  } catch {
    return undefined;
  }
}
