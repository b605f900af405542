// GET /users/search: `external_id=` or `query=` with the terms zdsf and its tests use.
// The sandbox understands `email:x`, `external_id:x`, `role:x`, `organization_id:n`, `name:x`, `type:user` terms
// and plain words (matched in name and email); real Zendesk search supports much more and is eventually
// consistent (its index lags writes), the sandbox's is immediate.
import type { User, ZendeskStore } from './store.js';

export function searchUsers(store: ZendeskStore, q: URLSearchParams): User[] {
  const ext = q.get('external_id');
  if (ext !== null) return [...store.users.values()].filter((u) => u.external_id?.toLowerCase() === ext.toLowerCase());
  const query = (q.get('query') ?? '').trim();
  const terms = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return [...store.users.values()].filter((u) =>
    terms.every((t) => {
      const m = /^(\w+):"?(.*?)"?$/.exec(t);
      if (m) {
        const [, k, v] = m;
        const val = v.toLowerCase();
        if (k === 'email') return u.email?.toLowerCase() === val;
        if (k === 'external_id') return u.external_id?.toLowerCase() === val;
        if (k === 'role') return u.role === val;
        if (k === 'organization_id') return store.userMemberships(u.id).some((mm) => String(mm.organization_id) === val);
        if (k === 'name') return u.name.toLowerCase().includes(val);
        if (k === 'type') return val === 'user';
        return false;
      }
      const w = t.replace(/"/g, '').toLowerCase();
      return u.name.toLowerCase().includes(w) || (u.email ?? '').toLowerCase().includes(w);
    }),
  );
}
