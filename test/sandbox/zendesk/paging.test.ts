import { describe, expect, it } from 'vitest';
import type { SandboxRequest } from '../../../src/sandbox/http.js';
import { decodeCursor, encodeCursor, pageIds } from '../../../src/sandbox/zendesk/paging.js';

const req = (query: string): SandboxRequest => ({ method: 'GET', url: new URL(`http://zd.test/api/v2/users.json${query}`), headers: {}, body: undefined, rawBody: '' });
const ids = [3, 5, 8, 13, 21];
const list = (query: string): Record<string, unknown> => pageIds('http://zd.test', req(query), 'users', ids, (id) => ({ id })).body as Record<string, unknown>;

describe('paging', () => {
  it('round-trips cursors and refuses garbage', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(decodeCursor('not-a-cursor')).toBeNull();
  });

  it('walks cursor pages forward and back', () => {
    const p1 = list('?page[size]=2');
    expect(p1.users).toEqual([{ id: 3 }, { id: 5 }]);
    const meta = p1.meta as { has_more: boolean; after_cursor: string };
    expect(meta.has_more).toBe(true);
    const p2 = list(`?page[size]=2&page[after]=${meta.after_cursor}`);
    expect(p2.users).toEqual([{ id: 8 }, { id: 13 }]);
    const back = list(`?page[size]=2&page[before]=${(p2.meta as { before_cursor: string }).before_cursor}`);
    expect(back.users).toEqual([{ id: 3 }, { id: 5 }]);
  });

  it('answers 400 for page[size] above 100 and for a bad cursor', () => {
    expect(pageIds('http://zd.test', req('?page[size]=101'), 'users', ids, (id) => id).status).toBe(400);
    expect(pageIds('http://zd.test', req('?page[after]=zzz'), 'users', ids, (id) => id).status).toBe(400);
  });

  it('pages by offset with next_page / previous_page links and a count', () => {
    const p2 = list('?page=2&per_page=2');
    expect(p2.users).toEqual([{ id: 8 }, { id: 13 }]);
    expect(p2.count).toBe(5);
    expect(p2.next_page).toBe('http://zd.test/api/v2/users.json?page=3&per_page=2');
    expect(p2.previous_page).toBe('http://zd.test/api/v2/users.json?page=1&per_page=2');
  });
});

describe('paging: the last cursor page', () => {
  it('keeps links.next as a URL (as live Zendesk); following it gives an empty page with links.next null', () => {
    const last = list('?page[size]=5');
    expect((last.meta as { has_more: boolean }).has_more).toBe(false);
    const next = (last.links as { next: string | null }).next;
    expect(next).toMatch(/^http:\/\/zd\.test\/api\/v2\/users\.json\?page%5Bafter%5D=/);
    const empty = list(new URL(next as string).search);
    expect(empty.users).toEqual([]);
    expect(empty.meta).toEqual({ has_more: false, after_cursor: null, before_cursor: null });
    expect((empty.links as { next: string | null }).next).toBeNull();
  });
});
