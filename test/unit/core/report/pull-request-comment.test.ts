import {
  COMMENT_BYTE_BUDGET,
  forkWithoutPreviewMarkdown,
  mergeCommentSection,
  previewMarkdown,
} from '../../../../core/report/pull-request-comment.js';

const headA = 'a'.repeat(40);
const headB = 'b'.repeat(40);
const section = (environment: string, head: string, sequence: number, markdown: string) => ({
  environment,
  head,
  sequence,
  markdown,
  checkRunUrl: `https://github.example/checks/${environment}`,
});

describe('the one pull request comment, merged section by section', () => {
  it('gathers every environment of the same head, each in its own section with its check run', () => {
    const first = mergeCommentSection(undefined, section('staging', headA, 3, '1 to configure'));
    const both = mergeCommentSection(first, section('dev', headA, 3, '2 to create'));
    expect(both).toContain('1 to configure');
    expect(both).toContain('2 to create');
    expect(both).toContain('(https://github.example/checks/dev)');
    expect(both!.indexOf('### dev')).toBeLessThan(both!.indexOf('### staging'));
  });

  it('replaces an environment\'s section rather than adding a second one', () => {
    const first = mergeCommentSection(undefined, section('dev', headA, 3, 'old words'));
    const again = mergeCommentSection(first, section('dev', headA, 3, 'new words'));
    expect(again).not.toContain('old words');
    expect(again!.match(/### dev/g)).toHaveLength(1);
  });

  it('drops the older head\'s sections when a newer head reports, and refuses the older head afterwards', () => {
    const old = mergeCommentSection(undefined, section('staging', headA, 3, 'about A'));
    const newer = mergeCommentSection(old, section('dev', headB, 4, 'about B'));
    expect(newer).not.toContain('about A');
    expect(newer).toContain('about B');
    expect(mergeCommentSection(newer, section('staging', headA, 3, 'late about A'))).toBeUndefined();
  });

  it('stays within the byte budget, multi-byte text included, and points to the check runs when cut', () => {
    let body: string | undefined;
    for (const environment of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      body = mergeCommentSection(body, section(environment, headA, 1, '€'.repeat(20_000)));
    }
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(COMMENT_BYTE_BUDGET);
    expect(body).toContain('check run');
    expect(body).toContain('cut here');
  });

  it("keeps an environment's preview and diff apart, the preview first, under one heading", () => {
    const diff = mergeCommentSection(undefined, section('dev', headA, 3, 'the diff'));
    const both = mergeCommentSection(diff, { ...section('dev', headA, 3, 'the preview'), part: 'preview' });
    expect(both).toContain('the diff');
    expect(both!.match(/### dev/g)).toHaveLength(1);
    expect(both!.indexOf('the preview')).toBeLessThan(both!.indexOf('the diff'));
    const again = mergeCommentSection(both, { ...section('dev', headA, 3, 'the preview, healthy'), part: 'preview' });
    expect(again).not.toContain('the preview\n');
    expect(again).toContain('the diff');
  });

  it('takes a teardown (no head) over the same head, keeping the other parts, and refuses older results after it', () => {
    const shown = mergeCommentSection(
      mergeCommentSection(undefined, section('dev', headA, 3, 'the diff')),
      { ...section('dev', headA, 3, 'healthy'), part: 'preview' },
    );
    const torn = mergeCommentSection(shown, { environment: 'dev', part: 'preview', sequence: 5, markdown: 'torn down' });
    expect(torn).toContain('torn down');
    expect(torn).not.toContain('healthy');
    expect(torn).toContain('the diff');
    expect(torn).toContain(`what \`${headA.slice(0, 7)}\` changes`);
    expect(mergeCommentSection(torn, { ...section('dev', headA, 4, 'late healthy'), part: 'preview' })).toBeUndefined();
    // A teardown of a pull request that has no comment yet still says so.
    expect(mergeCommentSection(undefined, { environment: 'dev', part: 'preview', sequence: 1, markdown: 'torn down' })).toContain(
      'torn down',
    );
  });

  it("says a preview's state, namespace and in-cluster URLs, and what it did not apply", () => {
    const healthy = previewMarkdown({
      environmentName: 'pr-12/dev',
      namespace: 'shop-pr-12',
      state: 'healthy',
      sha: headA,
      urls: ['catalog.shop-pr-12.svc.cluster.local'],
      skipped: ['Namespace/shop-dev'],
    });
    expect(healthy).toContain('**healthy** at `aaaaaaa`, namespace `shop-pr-12`');
    expect(healthy).toContain('- `catalog.shop-pr-12.svc.cluster.local`');
    expect(healthy).toContain('`Namespace/shop-dev`');
    expect(healthy).not.toContain('env.yaml');
    const raising = previewMarkdown({
      environmentName: 'pr-12/dev',
      namespace: 'shop-pr-12',
      state: 'healthy',
      ignoredConfig: ['cluster', 'preview'],
    });
    expect(raising).toContain(
      "This pull request changes env.yaml (`cluster`, `preview`): not used for its own preview, which runs under the base branch's configuration",
    );
    expect(raising).toContain('the changes apply once merged');
    const failed = previewMarkdown({
      environmentName: 'pr-12/dev',
      namespace: 'shop-pr-12',
      state: 'failed',
      why: 'Failed (HealthCheckTimeout): not healthy after 45s: Deployment/shop-pr-12/catalog: cannot create repl…',
      failure: { reason: 'HealthCheckTimeout', message: 'pods "catalog-1" is forbidden: exceeded quota: preview' },
    });
    expect(failed).toContain('**failed**');
    expect(failed).toContain('**HealthCheckTimeout**\n```\npods "catalog-1" is forbidden: exceeded quota: preview\n```');
    expect(failed).not.toContain('cannot create repl…');
    expect(failed).toContain('not rolled back');
    const gone = previewMarkdown({
      environmentName: 'pr-12/dev',
      namespace: 'shop-pr-12',
      state: 'torn-down',
      why: 'The pull request closed.',
      urls: ['catalog.shop-pr-12.svc.cluster.local'],
    });
    expect(gone).toContain('**torn down**, namespace `shop-pr-12` deleted');
    expect(gone).not.toContain('svc.cluster.local');
  });

  it("tells a fork's author why there is no preview and which label a maintainer adds", () => {
    expect(forkWithoutPreviewMarkdown('safe-to-preview')).toContain('adds the label `safe-to-preview`');
    expect(forkWithoutPreviewMarkdown(undefined)).toContain('sets no `preview.forkLabel`');
  });
});
