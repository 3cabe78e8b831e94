/**
 * A recharts legend sorter that keeps the bars' order. Recharts 3 sorts legend items by their label unless told
 * otherwise, so "Sent, Delivered, Read, Replied" bars had a "Delivered, Read, Replied, Sent" legend (and another
 * order again in pt-BR); `null` would keep whatever order recharts happens to register them in.
 */
export function seriesOrder(keys: readonly string[]): (item: { dataKey?: unknown }) => number {
  return (item) => {
    const i = keys.indexOf(String(item.dataKey));
    return i < 0 ? keys.length : i;
  };
}
