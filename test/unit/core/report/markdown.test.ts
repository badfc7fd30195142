import { cell, code, codeBlock, displayPath, humanDuration, truncate } from '../../../../core/report/markdown.js';

describe('markdown helpers', () => {
  it('fences code spans longer than any backtick run inside', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x`')).toBe('`` `x` ``');
  });

  it('fences code blocks longer than any fence inside', () => {
    expect(codeBlock('```\nx\n```', 'diff')).toBe('````diff\n```\nx\n```\n````');
  });

  it('keeps table cells on one line and their pipes literal', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
  });

  it('cuts text at whole characters and marks the cut', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('😀😀😀', 2)).toBe('😀…');
  });

  it('reads JSON pointers as field paths', () => {
    expect(displayPath('/spec/template/spec/containers/0/image')).toBe('spec.template.spec.containers[0].image');
    expect(displayPath('/metadata/annotations/example.com~1owner')).toBe('metadata.annotations["example.com/owner"]');
    expect(displayPath('')).toBe('(whole object)');
  });

  it('writes durations as a person reads them', () => {
    expect([humanDuration(95), humanDuration(1_310), humanDuration(42_500), humanDuration(125_000), humanDuration(120_000)]).toEqual(['95ms', '1.3s', '43s', '2m 5s', '2m']);
  });
});
