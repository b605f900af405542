// Small text helpers for messages people read.

/** "1 organization", "2 organizations", "1 entry"/"3 entries" with `many` given. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** At most `max` items joined with ", ", then "… and N more" (the full list belongs in --format json). */
export function listCut(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, … and ${(items.length - max).toLocaleString('en-US')} more`;
}
