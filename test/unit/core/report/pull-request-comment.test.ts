import { COMMENT_BYTE_BUDGET, mergeCommentSection } from '../../../../core/report/pull-request-comment.js';

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
});
