// The Zendesk incremental exports of the sandbox (issue 13), with the shapes of Zendesk's OpenAPI description
// (ExportIncrementalOrganizationsResponse, CursorBasedExportIncrementalUsersResponse; copied in spirit from
// /work/shared/reference/zendesk-support-oas.yaml, not read at run time):
// - GET /api/v2/incremental/organizations?start_time=<unix s>: time-based; organizations changed at or after
//   start_time in order of change, `count`, `end_time` (the last item's time), `next_page` (start_time=end_time)
//   and `end_of_stream`. A page holds 1000 items and then every further item of the last item's second, so that
//   paging by end_time always moves on (Zendesk documents duplicates across pages; clients de-duplicate by id).
//   Deleted organizations come with `deleted_at`.
// - GET /api/v2/incremental/users/cursor?start_time=<unix s> then ?cursor=<after_cursor>: cursor-based; `users`,
//   `after_cursor`, `after_url`, `before_cursor`/`before_url` (null), `end_of_stream`. Deleted users come with
//   `active: false` (Zendesk soft-deletes them; the sandbox's GET /users no longer lists them).
// - Their own rate limit, 10 requests a minute by default (30 with High Volume), answered 429 + Retry-After.
//
// Where the sandbox differs on purpose: Zendesk leaves out items changed in the minute before the request;
// the sandbox does not (tests run plans back to back). The order of changes is a sequence number kept by the
// ChangeTracker, so two changes in one second keep their order (Zendesk's cursor does the same internally).
import type { SandboxRequest, SandboxResponse } from '../http.js';
import type { ZdOrganization, ZdUser } from '../../model/zendesk.js';

export const DEFAULT_INCREMENTAL_RATE_LIMIT = 10;
const PAGE = 1000;

type Kind = 'organization' | 'user';

interface Tombstone {
  seq: number;
  /** unix seconds of the delete */
  at: number;
  rendered: Record<string, unknown>;
}

/** The order in which records changed: every write (and delete) of an organization or a user takes the next number. */
export class ChangeTracker {
  private seq = 0;
  /** moves on every reset (a seed loaded): with current() it names the state of the records, for the exports' indexes */
  epoch = 0;
  private readonly seqs: Record<Kind, Map<number, number>> = { organization: new Map(), user: new Map() };
  private readonly tombstones: Record<Kind, Map<number, Tombstone>> = { organization: new Map(), user: new Map() };

  reset(): void {
    this.seq = 0;
    this.epoch += 1;
    for (const k of ['organization', 'user'] as const) {
      this.seqs[k].clear();
      this.tombstones[k].clear();
    }
  }

  touch(kind: Kind, id: number): void {
    this.seq += 1;
    this.seqs[kind].set(id, this.seq);
    this.tombstones[kind].delete(id);
  }

  removed(kind: Kind, id: number, rendered: Record<string, unknown>, atMs: number): void {
    this.seq += 1;
    this.seqs[kind].delete(id);
    this.tombstones[kind].set(id, { seq: this.seq, at: Math.floor(atMs / 1000), rendered });
  }

  seqOf(kind: Kind, id: number): number {
    return this.seqs[kind].get(id) ?? 0;
  }

  current(): number {
    return this.seq;
  }

  deleted(kind: Kind): Map<number, Tombstone> {
    return this.tombstones[kind];
  }
}

export interface IncrementalContext {
  tracker: ChangeTracker;
  now: () => number;
  /** this instance's base URL without /api/v2 */
  base: () => string;
  organizations: () => Iterable<ZdOrganization>;
  users: () => Iterable<ZdUser>;
  orgOut: (o: ZdOrganization) => unknown;
  userOut: (u: ZdUser) => unknown;
  /** requests a minute to the incremental exports (default 10) */
  rateLimitPerMinute?: number;
}

type Handler = (req: SandboxRequest, params: string[]) => SandboxResponse;

interface Item {
  t: number;
  seq: number;
  id: number;
  render: () => unknown;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({ status, body, headers });
const seconds = (iso: unknown): number => (typeof iso === 'string' ? Math.floor(Date.parse(iso) / 1000) : 0);

function encode(cursor: { t: number; s: number }): string {
  return Buffer.from(`${cursor.t}.${cursor.s}`).toString('base64url');
}
function decode(value: string): { t: number; s: number } | null {
  const m = /^(\d+)\.(-?\d+)$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  return m ? { t: Number(m[1]), s: Number(m[2]) } : null;
}

export function registerIncremental(on: (method: string, pattern: string, h: Handler) => void, ctx: IncrementalContext): void {
  const limit = ctx.rateLimitPerMinute ?? DEFAULT_INCREMENTAL_RATE_LIMIT;
  let windowStart = ctx.now();
  let count = 0;

  /** the exports' own per-minute limit; a 429 with Retry-After over it */
  const limited = (): SandboxResponse | undefined => {
    const t = ctx.now();
    if (t - windowStart >= 60_000) {
      windowStart = t;
      count = 0;
    }
    if (count >= limit) {
      const retry = Math.max(1, Math.ceil((windowStart + 60_000 - t) / 1000));
      return json(429, { error: 'APIRateLimitExceeded', description: `Incremental exports allow ${limit} requests a minute. Retry after ${retry} seconds.` }, { 'Retry-After': String(retry) });
    }
    count += 1;
    return undefined;
  };

  const startTime = (req: SandboxRequest): number | SandboxResponse => {
    const raw = req.url.searchParams.get('start_time');
    if (raw === null || !/^\d+$/.test(raw)) return json(400, { error: 'InvalidValue', description: 'start_time is required: a Unix epoch time in seconds.' });
    const t = Number(raw);
    if (t > Math.floor(ctx.now() / 1000)) return json(400, { error: 'InvalidValue', description: 'start_time cannot be in the future.' });
    return t;
  };

  const items = (kind: Kind): Item[] => {
    const out: Item[] = [];
    const live = kind === 'organization' ? ctx.organizations() : ctx.users();
    for (const r of live) {
      out.push({ t: seconds(r.updated_at), seq: ctx.tracker.seqOf(kind, r.id), id: r.id, render: () => (kind === 'organization' ? ctx.orgOut(r as ZdOrganization) : ctx.userOut(r as ZdUser)) });
    }
    for (const [id, tomb] of ctx.tracker.deleted(kind)) out.push({ t: tomb.at, seq: tomb.seq, id, render: () => tomb.rendered });
    return out;
  };

  // The items sorted as each export reads them, kept while no organization or user changes (every write takes a
  // sequence number; a seed load a new epoch): an export then costs a binary search and its page, not a sort of
  // every record (seconds per request at 600k records).
  const sortedCache = new Map<string, { key: string; items: Item[] }>();
  const sorted = (kind: Kind): Item[] => {
    const key = `${ctx.tracker.epoch}.${ctx.tracker.current()}`;
    const hit = sortedCache.get(kind);
    if (hit && hit.key === key) return hit.items;
    const list = items(kind).sort(kind === 'organization' ? (a, b) => a.t - b.t || a.seq - b.seq || a.id - b.id : (a, b) => a.seq - b.seq || a.id - b.id);
    sortedCache.set(kind, { key, items: list });
    return list;
  };
  /** the first index of `list` whose item is not before `at` */
  const lowerBound = (list: Item[], before: (i: Item) => boolean): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(list[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  on('GET', 'incremental/organizations', (req) => {
    const refused = limited();
    if (refused) return refused;
    const start = startTime(req);
    if (typeof start !== 'number') return start;
    const ordered = sorted('organization');
    const all = ordered.slice(lowerBound(ordered, (i) => i.t < start));
    let end = Math.min(PAGE, all.length);
    while (end < all.length && all[end].t === all[end - 1].t) end += 1;
    const page = all.slice(0, end);
    const endTime = page.length > 0 ? page[page.length - 1].t : start;
    return json(200, {
      organizations: page.map((i) => i.render()),
      count: page.length,
      end_of_stream: end >= all.length,
      end_time: endTime,
      next_page: `${ctx.base()}/api/v2/incremental/organizations.json?start_time=${endTime}`,
    });
  });

  on('GET', 'incremental/users/cursor', (req) => {
    const refused = limited();
    if (refused) return refused;
    const rawCursor = req.url.searchParams.get('cursor');
    let from: { t: number; s: number };
    if (rawCursor !== null) {
      const c = decode(rawCursor);
      if (!c) return json(400, { error: 'InvalidCursor', description: 'cursor is not a cursor this export gave.' });
      from = c;
    } else {
      const start = startTime(req);
      if (typeof start !== 'number') return start;
      from = { t: start, s: -1 };
    }
    const perPage = Math.min(PAGE, Math.max(1, Number(req.url.searchParams.get('per_page') ?? PAGE) || PAGE));
    const ordered = sorted('user');
    const all = ordered.slice(lowerBound(ordered, (i) => i.seq <= from.s)).filter((i) => i.t >= from.t);
    const page = all.slice(0, perPage);
    const more = all.length > page.length;
    // at the end of the stream the cursor moves to the latest change, so the next export starts there
    const next = { t: from.t, s: more ? page[page.length - 1].seq : Math.max(from.s, ctx.tracker.current()) };
    const after = encode(next);
    return json(200, {
      users: page.map((i) => i.render()),
      after_cursor: after,
      after_url: `${ctx.base()}/api/v2/incremental/users/cursor.json?cursor=${after}`,
      before_cursor: null,
      before_url: null,
      end_of_stream: !more,
    });
  });
}
