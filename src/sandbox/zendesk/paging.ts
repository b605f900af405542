// Zendesk's two ways of listing: cursor pagination (`page[size]` <= 100, `page[after]`, `page[before]`,
// answering `meta` + `links`) and offset pagination (`page`, `per_page`, answering `next_page`,
// `previous_page`, `count`). Records are listed in id order.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { isRecord } from './records.js';
import { badRequest, json } from './responses.js';

export const PAGE_LIMIT = 100;

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ o: 'id', v: id })).toString('base64url');
}

export function decodeCursor(c: string): number | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    return isRecord(parsed) && typeof parsed.v === 'number' ? parsed.v : null;
  } catch {
    return null;
  }
}

// The sorted form of an id list, kept per list: the store hands out the same cached array until its records
// change (store.idsOf), so a full read of 500k users checks the order once, not once per page (issue 12).
const sortedCache = new WeakMap<readonly number[], number[]>();
function sortedIds(items: number[]): number[] {
  let sorted = sortedCache.get(items);
  if (!sorted) {
    // Records are kept in id order (seeds are loaded sorted, new ids only grow), so this rarely sorts.
    let isSorted = true;
    for (let i = 1; i < items.length && isSorted; i++) if (items[i - 1] > items[i]) isSorted = false;
    sorted = isSorted ? items : [...items].sort((a, b) => a - b);
    sortedCache.set(items, sorted);
  }
  return sorted;
}

/** Lists records (each with an id) a page at a time; see pageIds. */
export function page<T extends { id: number }>(base: string, req: SandboxRequest, key: string, items: T[], render: (v: T) => unknown): SandboxResponse {
  const byKey = new Map(items.map((r) => [r.id, r]));
  return pageIds(base, req, key, items.map((r) => r.id), (id) => render(byKey.get(id) as T));
}

/** Lists `ids` with cursor pagination (page[size], page[after], page[before]) or offset pagination (page, per_page).
 * `base` is the instance's URL without /api/v2, for the links. */
export function pageIds(base: string, req: SandboxRequest, key: string, items: number[], render: (id: number) => unknown): SandboxResponse {
  const q = req.url.searchParams;
  const link = (params: Record<string, string>): string => {
    const u = new URL(`${base}${req.url.pathname}`);
    for (const [k, v] of q) if (!k.startsWith('page') && k !== 'per_page') u.searchParams.append(k, v);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  };
  const sorted = sortedIds(items);
  /** index of the first record with an id greater than `id` */
  const firstAfter = (id: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  if (q.has('page[size]') || q.has('page[after]') || q.has('page[before]')) {
    const size = q.has('page[size]') ? Number(q.get('page[size]')) : PAGE_LIMIT;
    if (!Number.isInteger(size) || size < 1) return badRequest('InvalidPaginationParameter', 'page[size] must be a positive integer');
    if (size > PAGE_LIMIT) return badRequest('InvalidPaginationParameter', `page[size] must be at most ${PAGE_LIMIT}`);
    let slice: number[];
    let hasMore: boolean;
    const after = q.get('page[after]');
    const before = q.get('page[before]');
    if (before) {
      const b = decodeCursor(before);
      if (b === null) return badRequest('InvalidPaginationParameter', 'page[before] is not a valid cursor');
      const end = firstAfter(b - 1);
      slice = sorted.slice(Math.max(0, end - size), end);
      hasMore = end > size;
    } else {
      const a = after ? decodeCursor(after) : 0;
      if (a === null) return badRequest('InvalidPaginationParameter', 'page[after] is not a valid cursor');
      const start = firstAfter(a);
      slice = sorted.slice(start, start + size);
      hasMore = sorted.length > start + size;
    }
    const first = slice[0];
    const last = slice[slice.length - 1];
    const afterCursor = last !== undefined ? encodeCursor(last) : null;
    const beforeCursor = first !== undefined ? encodeCursor(first) : null;
    return json(200, {
      [key]: slice.map(render),
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        // As live Zendesk: links.next stays a URL on the last page (meta.has_more false); following it gives an
        // empty page, whose links.next is null. Clients must stop on has_more (zdsf does).
        next: afterCursor ? link({ 'page[after]': afterCursor, 'page[size]': String(size) }) : null,
        prev: beforeCursor ? link({ 'page[before]': beforeCursor, 'page[size]': String(size) }) : null,
      },
    });
  }
  const perPage = Math.min(PAGE_LIMIT, Math.max(1, Number(q.get('per_page') ?? PAGE_LIMIT) || PAGE_LIMIT));
  const pageNo = Math.max(1, Number(q.get('page') ?? 1) || 1);
  const slice = sorted.slice((pageNo - 1) * perPage, pageNo * perPage);
  const more = pageNo * perPage < sorted.length;
  return json(200, {
    [key]: slice.map(render),
    next_page: more ? link({ page: String(pageNo + 1), per_page: String(perPage) }) : null,
    previous_page: pageNo > 1 ? link({ page: String(pageNo - 1), per_page: String(perPage) }) : null,
    count: sorted.length,
  });
}
