/**
 * Go's `sort.Sort` (pattern-defeating quicksort, Go 1.19 and later) over an array, in place, with a less-than
 * comparison. It is not stable: kustomize sorts its transformer field specs with it, and which of two specs of the same
 * group/version/kind comes first decides which one a later merge keeps, so kustomize-ts must order them the same way.
 * Arrays of 12 or fewer items get an insertion sort, which is stable.
 */
export function goSort<T>(items: T[], less: (a: T, b: T) => boolean): void {
  const n = items.length;
  if (n <= 1) return;
  new GoSorter(items, less).pdqsort(0, n, bitLength(n));
}

const INCREASING = 1;
const DECREASING = 2;
const UNKNOWN = 0;

function bitLength(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

class GoSorter<T> {
  constructor(
    private readonly a: T[],
    private readonly lessFn: (x: T, y: T) => boolean,
  ) {}

  private less(i: number, j: number): boolean {
    return this.lessFn(this.a[i] as T, this.a[j] as T);
  }

  private swap(i: number, j: number): void {
    const t = this.a[i] as T;
    this.a[i] = this.a[j] as T;
    this.a[j] = t;
  }

  private insertionSort(lo: number, hi: number): void {
    for (let i = lo + 1; i < hi; i++) {
      for (let j = i; j > lo && this.less(j, j - 1); j--) this.swap(j, j - 1);
    }
  }

  private siftDown(lo: number, hi: number, first: number): void {
    let root = lo;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && this.less(first + child, first + child + 1)) child++;
      if (!this.less(first + root, first + child)) return;
      this.swap(first + root, first + child);
      root = child;
    }
  }

  private heapSort(lo: number, hi: number): void {
    const size = hi - lo;
    for (let i = Math.trunc((size - 1) / 2); i >= 0; i--) this.siftDown(i, size, lo);
    for (let i = size - 1; i >= 0; i--) {
      this.swap(lo, lo + i);
      this.siftDown(0, i, lo);
    }
  }

  pdqsort(lo: number, hi: number, limit: number): void {
    let wasBalanced = true;
    let wasPartitioned = true;
    for (;;) {
      const length = hi - lo;
      if (length <= 12) {
        this.insertionSort(lo, hi);
        return;
      }
      if (limit === 0) {
        this.heapSort(lo, hi);
        return;
      }
      if (!wasBalanced) {
        this.breakPatterns(lo, hi);
        limit--;
      }
      let [pivot, hint] = this.choosePivot(lo, hi);
      if (hint === DECREASING) {
        this.reverseRange(lo, hi);
        pivot = hi - 1 - (pivot - lo);
        hint = INCREASING;
      }
      if (wasBalanced && wasPartitioned && hint === INCREASING && this.partialInsertionSort(lo, hi)) return;
      if (lo > 0 && !this.less(lo - 1, pivot)) {
        lo = this.partitionEqual(lo, hi, pivot);
        continue;
      }
      const [mid, alreadyPartitioned] = this.partition(lo, hi, pivot);
      wasPartitioned = alreadyPartitioned;
      const leftLen = mid - lo;
      const rightLen = hi - mid;
      const balanceThreshold = Math.trunc(length / 8);
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= balanceThreshold;
        this.pdqsort(lo, mid, limit);
        lo = mid + 1;
      } else {
        wasBalanced = rightLen >= balanceThreshold;
        this.pdqsort(mid + 1, hi, limit);
        hi = mid;
      }
    }
  }

  private partition(lo: number, hi: number, pivot: number): [number, boolean] {
    this.swap(lo, pivot);
    let i = lo + 1;
    let j = hi - 1;
    while (i <= j && this.less(i, lo)) i++;
    while (i <= j && !this.less(j, lo)) j--;
    if (i > j) {
      this.swap(j, lo);
      return [j, true];
    }
    this.swap(i, j);
    i++;
    j--;
    for (;;) {
      while (i <= j && this.less(i, lo)) i++;
      while (i <= j && !this.less(j, lo)) j--;
      if (i > j) break;
      this.swap(i, j);
      i++;
      j--;
    }
    this.swap(j, lo);
    return [j, false];
  }

  private partitionEqual(lo: number, hi: number, pivot: number): number {
    this.swap(lo, pivot);
    let i = lo + 1;
    let j = hi - 1;
    for (;;) {
      while (i <= j && !this.less(lo, i)) i++;
      while (i <= j && this.less(lo, j)) j--;
      if (i > j) break;
      this.swap(i, j);
      i++;
      j--;
    }
    return i;
  }

  private partialInsertionSort(lo: number, hi: number): boolean {
    const maxSteps = 5;
    const shortestShifting = 50;
    let i = lo + 1;
    for (let step = 0; step < maxSteps; step++) {
      while (i < hi && !this.less(i, i - 1)) i++;
      if (i === hi) return true;
      if (hi - lo < shortestShifting) return false;
      this.swap(i, i - 1);
      if (i - lo >= 2) {
        for (let j = i - 1; j >= 1; j--) {
          if (!this.less(j, j - 1)) break;
          this.swap(j, j - 1);
        }
      }
      if (hi - i >= 2) {
        for (let j = i + 1; j < hi; j++) {
          if (!this.less(j, j - 1)) break;
          this.swap(j, j - 1);
        }
      }
    }
    return false;
  }

  private breakPatterns(lo: number, hi: number): void {
    const length = hi - lo;
    if (length < 8) return;
    const mask64 = (1n << 64n) - 1n;
    let random = BigInt(length);
    const modulus = BigInt(2 ** bitLength(length));
    const middle = lo + Math.trunc(length / 4) * 2;
    for (let idx = middle - 1; idx <= middle + 1; idx++) {
      random ^= (random << 13n) & mask64;
      random ^= random >> 7n;
      random ^= (random << 17n) & mask64;
      let other = Number(random & (modulus - 1n));
      if (other >= length) other -= length;
      this.swap(idx, lo + other);
    }
  }

  private choosePivot(lo: number, hi: number): [number, number] {
    const l = hi - lo;
    const swaps = { n: 0 };
    const quarter = Math.trunc(l / 4);
    let i = lo + quarter;
    let j = lo + quarter * 2;
    let k = lo + quarter * 3;
    if (l >= 8) {
      if (l >= 50) {
        i = this.median(i - 1, i, i + 1, swaps);
        j = this.median(j - 1, j, j + 1, swaps);
        k = this.median(k - 1, k, k + 1, swaps);
      }
      j = this.median(i, j, k, swaps);
    }
    if (swaps.n === 0) return [j, INCREASING];
    if (swaps.n === 12) return [j, DECREASING];
    return [j, UNKNOWN];
  }

  private order2(x: number, y: number, swaps: { n: number }): [number, number] {
    if (this.less(y, x)) {
      swaps.n++;
      return [y, x];
    }
    return [x, y];
  }

  private median(x: number, y: number, z: number, swaps: { n: number }): number {
    [x, y] = this.order2(x, y, swaps);
    [y, z] = this.order2(y, z, swaps);
    [x, y] = this.order2(x, y, swaps);
    void z;
    return y;
  }

  private reverseRange(lo: number, hi: number): void {
    for (let i = lo, j = hi - 1; i < j; i++, j--) this.swap(i, j);
  }
}
