/**
 * A list's positions in id order (code-unit order, the same on every ICU build; equal ids keep their list order).
 * The forecast and the benefit rollup both walk a snapshot's use cases in id order: sorting ten thousand ids is
 * measurable, so it is done once per list (kept while the list lives; lists are immutable by contract).
 */
const orders = new WeakMap<ReadonlyArray<{ id: string }>, Int32Array>();

export function idOrder(items: ReadonlyArray<{ id: string }>): Int32Array {
  let order = orders.get(items);
  if (!order) {
    order = Int32Array.from(items.keys()).sort((a, b) => compareIds(items[a]!.id, items[b]!.id) || a - b);
    orders.set(items, order);
  }
  return order;
}

/** Locale-independent id order (localeCompare varies by ICU build; a forecast must not). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
