/**
 * Why `name` is not a usable branch name, or undefined when it is. Follows `git check-ref-format --branch`
 * (what `git branch` accepts), plus two mistakes worth naming: a full ref (`refs/heads/main`) and a pattern
 * (`release/*`), since an environment follows exactly one branch.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('refs/'))
    return `is a full ref; write the branch name alone (${name.replace(/^refs\/(heads\/)?/, '')})`;
  if (/[*?[]/.test(name)) return 'is a pattern; an environment follows exactly one branch, so write its full name';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what git forbids here
  if (/[\u0000-\u0020\u007f~^:\\]/.test(name)) return 'contains a space, a control character or one of ~ ^ : \\';
  if (name === '@') return 'is "@", which git reserves for HEAD';
  if (name.startsWith('-')) return 'starts with "-", which git would read as an option';
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'has an empty path component (a leading, trailing or double "/")';
  if (name.endsWith('.')) return 'ends with "."';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `has a component starting with "." (${component})`;
    if (component.endsWith('.lock')) return `has a component ending with ".lock" (${component})`;
  }
  return undefined;
}
