import { parse } from 'yaml';
describe('toolchain', () => {
  it('runs TypeScript ES modules under jest', () => {
    expect(parse('a: 1')).toEqual({ a: 1 });
  });
});
