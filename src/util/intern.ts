// Shared copies of the small string lists that repeat across hundreds of thousands of records (tags, domain
// names): at 100k organizations / 500k users most records carry one of a few dozen tag lists, and an array per
// record (V8 gives an array built by push room for 17 elements: ~170 bytes for one tag) was the largest single
// item of plan's memory. The lists handed out are frozen, so that a caller that would change one in place
// fails at once instead of changing every record that shares it.

const EMPTY: readonly string[] = Object.freeze([]);
const SEPARATOR = '\u0000';
/** bounded: a world of distinct lists (every record its own tags) costs no more than one array per record */
const MAX_ENTRIES = 50_000;
const lists = new Map<string, readonly string[]>();

/** The shared, frozen list with the same strings in the same order as `list` (which is not kept). */
export function internList(list: readonly string[]): string[] {
  if (list.length === 0) return EMPTY as string[];
  // a string holding the separator could pass for two: such a list is copied, not shared
  for (const s of list) if (s.includes(SEPARATOR)) return Object.freeze(list.slice()) as string[];
  const key = list.length === 1 ? list[0] : list.join(SEPARATOR);
  let shared = lists.get(key);
  if (shared === undefined) {
    if (lists.size >= MAX_ENTRIES) lists.clear();
    shared = Object.freeze(list.slice());
    lists.set(key, shared);
  }
  return shared as string[];
}
