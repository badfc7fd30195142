import { fieldLine } from '../../../../worker/stages/validate/field-line.js';

const TEXT = [
  'name: dev', // 1
  'canary:', // 2
  '  steps:', // 3
  '    - weight: 10', // 4
  '    - weight: 200', // 5
  '"odd key":', // 6
  '  x: 1', // 7
  '',
].join('\n');

describe('fieldLine: the line of a config field, for a check run annotation', () => {
  it.each([
    ['a top-level field', 'name', 1],
    ['a field in a list item', 'canary.steps[1].weight', 5],
    ['a quoted key', '["odd key"].x', 7],
    ['a missing field: its nearest present parent', 'canary.steps[1].pause', 5],
    ['a missing top-level field: the top of the file', 'rollout', 1],
    ['the file as a whole', '', 1],
  ])('finds %s', (_case, field, line) => {
    expect(fieldLine(TEXT, field)).toBe(line);
  });

  it('answers line 1 for text that is not YAML', () => {
    expect(fieldLine('{{{', 'a.b')).toBe(1);
  });
});
