/**
 * A growing list of numbers in a Float64Array (doubled when full). The hot loops that fill such lists stay optimised:
 * a plain array switches element kinds as whole and fractional numbers arrive, and V8 throws the optimised code away.
 * `values` holds the list in its first `length` slots (the rest is spare capacity).
 */
export class Float64List {
  values: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.reserve(1);
    this.values[this.length++] = value;
  }

  /** Appends source[at … at + count) and returns the position it starts at. */
  append(source: Float64Array, at: number, count: number): number {
    this.reserve(count);
    const start = this.length;
    for (let k = 0; k < count; k++) this.values[start + k] = source[at + k]!;
    this.length += count;
    return start;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.values.length) return;
    const grown = new Float64Array(Math.max(this.length + extra, 2 * this.values.length));
    grown.set(this.values.subarray(0, this.length));
    this.values = grown;
  }
}

/**
 * Float64List's twin for whole numbers (indexes, counts): `values` holds the list in its first `length` slots. A class
 * of its own rather than one generic list: the loops that fill a list then always see one kind of typed array.
 */
export class Int32List {
  values: Int32Array;
  length = 0;

  constructor(capacity = 256) {
    this.values = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(2 * this.values.length || 1);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}
