import { buildCheckName, describeBuild } from '../../../../core/report/build-report.js';
import { Reason } from '../../../../core/reasons.js';

describe('build check runs', () => {
  it('are named build/<app>, with the image only when the app builds several', () => {
    expect(buildCheckName('catalog', 'catalog', 1)).toBe('build/catalog');
    expect(buildCheckName('boutique', 'cart', 12)).toBe('build/boutique/cart');
  });

  it('show the pinned reference and the duration of a build', () => {
    const reference = `127.0.0.1:5000/shop/catalog@sha256:${'a'.repeat(64)}`;
    const { title, summary } = describeBuild({
      outcome: 'built',
      app: 'catalog',
      image: 'catalog',
      reference,
      tag: 'src-1',
      durationMs: 83_000,
    });
    expect(title).toBe('built in 1m 23s');
    expect(summary).toContain(`Image: \`${reference}\``);
    expect(summary).toContain('`src-1`');
  });

  it("show a failure's reason, message and the end of the log, not its start", () => {
    const log = `${'early line\n'.repeat(5_000)}step 4/6: RUN npm ci\nnpm ERR! missing script`;
    const { title, summary } = describeBuild({
      outcome: 'failed',
      app: 'catalog',
      image: 'catalog',
      reference: 'shop/catalog:src-1',
      reason: Reason.BuildFailed,
      message: 'RUN npm ci exited 1',
      durationMs: 5_000,
      logTail: log,
    });
    expect(title).toBe('BuildFailed: RUN npm ci exited 1');
    expect(summary).toContain('no environment that needs it is deployed');
    expect(summary).toContain('npm ERR! missing script');
    expect(summary.length).toBeLessThan(40_000);
  });
});
