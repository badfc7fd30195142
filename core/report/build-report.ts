// The words of a build's check run (`build/<app>`, or `build/<app>/<image>` for an app with several images).
import type { Reason } from '../reasons.js';
import { codeBlock, humanDuration, truncate } from './markdown.js';

/** How far one image build got. */
export type BuildReport =
  | { readonly outcome: 'building'; readonly app: string; readonly image: string; readonly reference: string }
  | {
      readonly outcome: 'built';
      readonly app: string;
      readonly image: string;
      /** `repository@sha256:…`: what environments run. */
      readonly reference: string;
      readonly tag: string;
      readonly durationMs: number;
    }
  | {
      readonly outcome: 'failed';
      readonly app: string;
      readonly image: string;
      /** `repository:tag` that was being built. */
      readonly reference: string;
      readonly reason: Reason;
      readonly message: string;
      readonly durationMs: number;
      /** The build log's last lines, when the builder has them. */
      readonly logTail?: string;
    };

/** The check run's name: `build/catalog`, or `build/boutique/cart` when the app builds several images. */
export function buildCheckName(app: string, image: string, imagesOfApp: number): string {
  return imagesOfApp > 1 ? `build/${app}/${image}` : `build/${app}`;
}

/** Title (one line) and Markdown summary of a build's check run. */
export function describeBuild(report: BuildReport): { readonly title: string; readonly summary: string } {
  switch (report.outcome) {
    case 'building':
      return { title: `building ${report.reference}`, summary: `Building \`${report.reference}\` from this commit.` };
    case 'built':
      return {
        title: `built in ${humanDuration(report.durationMs)}`,
        summary: [
          `Built and pushed in ${humanDuration(report.durationMs)}.`,
          '',
          `Image: \`${report.reference}\``,
          `Content tag: \`${report.tag}\``,
        ].join('\n'),
      };
    case 'failed':
      return {
        title: truncate(`${report.reason}: ${report.message}`, 120),
        summary: [
          `The build of \`${report.reference}\` failed after ${humanDuration(report.durationMs)} (${report.reason}); no environment that needs it is deployed.`,
          '',
          truncate(report.message, 2_000),
          ...(report.logTail ? ['', 'Last lines of the build log:', '', codeBlock(report.logTail.slice(-30_000))] : []),
        ].join('\n'),
      };
  }
}
