import { goSort } from '../../../kustomize/transform/go-sort.js';

// kustomize orders its transformer field specs with Go's sort.Sort, which is not stable; which of two equal specs comes
// first decides which one a later merge keeps. The expected permutation is what Go 1.26's sort.Sort gives for these keys.
describe('goSort (Go sort.Sort)', () => {
  it('orders equal keys as Go does on more than 12 items', () => {
    const keys = [3, 1, 2, 3, 1, 2, 0, 3, 1, 2, 0, 3, 1, 2, 0, 1, 3, 2, 1, 0];
    const items = keys.map((k, id) => ({ k, id }));
    goSort(items, (a, b) => a.k < b.k);
    expect(items.map((x) => x.id)).toEqual([6, 19, 14, 10, 15, 12, 4, 1, 8, 18, 2, 13, 5, 17, 9, 11, 3, 0, 16, 7]);
  });

  it('keeps equal keys in order on 12 items or fewer (insertion sort)', () => {
    const items = [2, 1, 2, 1, 0, 2].map((k, id) => ({ k, id }));
    goSort(items, (a, b) => a.k < b.k);
    expect(items.map((x) => x.id)).toEqual([4, 1, 3, 0, 2, 5]);
  });
});
