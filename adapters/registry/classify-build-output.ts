// Turns buildah's failure output into one clear message and reason. buildah (1.28, Debian bookworm) ends a failed
// build with one `Error: …` line; the patterns below are the ones it prints for the failures a user can cause.
import { Reason } from '../../core/reasons.js';

/** What a failed `buildah bud` or `buildah push` means, in words for a commit status. */
export interface BuildOutputVerdict {
  readonly reason: Reason;
  readonly message: string;
}

/** The verdict for a buildah run that exited non-zero; `output` is the end of its output. */
export function classifyBuildOutput(output: string, baseImage: string): BuildOutputVerdict {
  const error = lastErrorLine(output);
  const step = /building at STEP "(.*)": exit status (\d+)$/.exec(error);
  if (step) return { reason: Reason.BuildFailed, message: `step ${step[1]} failed with exit status ${step[2]}` };
  const instruction = /Unknown instruction: "?([A-Za-z]+)"?/i.exec(error);
  if (instruction)
    return { reason: Reason.BuildFailed, message: `Dockerfile syntax error: unknown instruction ${instruction[1]}` };
  if (/dial tcp|connection refused|no such host|i\/o timeout|pinging container registry/.test(error))
    return { reason: Reason.RegistryUnavailable, message: `the registry did not answer: ${error}` };
  const missing =
    /initializing source docker:\/\/([^:\s]+(?::\d+)?\/[^\s:@]+(?:[:@][^\s:]+)?):.*(manifest unknown|not found|name unknown)/.exec(
      error,
    );
  if (missing) {
    const image = missing[1] ?? '';
    return {
      reason: Reason.BuildFailed,
      message: `base image ${image} is not in the registry${image.startsWith(baseImage.split('@')[0] ?? baseImage) ? '' : ` (builds here can use ${baseImage} through ARG BASE_IMAGE)`}`,
    };
  }
  if (/Dockerfile|parse|syntax|instruction/i.test(error))
    return { reason: Reason.BuildFailed, message: `Dockerfile error: ${error}` };
  return { reason: Reason.BuildFailed, message: error || 'buildah failed without an error message' };
}

function lastErrorLine(output: string): string {
  const lines = output.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (line.startsWith('Error: '))
      return line
        .slice('Error: '.length)
        .replace(/ &imagebuilder\.Step\{.*$/, '')
        .trim();
  }
  return (lines.at(-1) ?? '').trim();
}
