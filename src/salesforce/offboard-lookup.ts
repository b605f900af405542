// Offboarding's look-up (issue 17): which of the Ids of users zdsf owns, no longer selected by the sync, still
// exist in Salesforce, and which of those match users.offboard.inactive_when. Two queries per 200 Ids:
//   SELECT Id, IsDeleted FROM <object> WHERE Id IN (...)            (queryAll: the recycle bin included)
//   SELECT Id FROM <object> WHERE (Id IN (...)) AND (<inactive_when>)  (only with inactive_when)
// An Id not returned by the first, or returned with IsDeleted = true, is deleted (hard-deleted or purged
// records are not returned at all). Candidates are the users that left since the last plan: few.
import type { PeopleLookup } from '../model/ports.js';
import type { BuiltQuery } from './soql.js';
import { soqlString } from './soql.js';
import { chunk } from '../util/data.js';

export const LOOKUP_CHUNK = 200;

function query(object: string, fields: string[], where: string, purpose: string): BuiltQuery {
  return { purpose, object, fields, children: [], where, soql: `SELECT ${fields.join(', ')} FROM ${object} WHERE ${where}` };
}

/** The queries of one look-up: for each chunk of Ids, the existence query (queryAll) and, with inactive_when, the inactive one. */
export function lookupQueries(lookup: PeopleLookup): { query: BuiltQuery; all: boolean; kind: 'exists' | 'inactive' }[] {
  const out: { query: BuiltQuery; all: boolean; kind: 'exists' | 'inactive' }[] = [];
  const ids = [...new Set(lookup.ids)].sort();
  for (const part of chunk(ids, LOOKUP_CHUNK)) {
    const inList = `Id IN (${part.map(soqlString).join(', ')})`;
    out.push({ query: query(lookup.object, ['Id', 'IsDeleted'], inList, `offboarding (${lookup.object})`), all: true, kind: 'exists' });
    if (lookup.inactive_when?.trim()) {
      out.push({ query: query(lookup.object, ['Id'], `(${inList}) AND (${lookup.inactive_when.trim()})`, `offboarding inactive (${lookup.object})`), all: false, kind: 'inactive' });
    }
  }
  return out;
}

/** live: returned and not deleted; inactive: of those, returned by an inactive query. */
export function lookupResult(kinds: ('exists' | 'inactive')[], rows: { Id: string; IsDeleted?: unknown }[][]): { live: string[]; inactive: string[] } {
  const live = new Set<string>();
  const inactive = new Set<string>();
  kinds.forEach((kind, i) => {
    for (const r of rows[i] ?? []) {
      if (kind === 'exists' && r.IsDeleted !== true && r.IsDeleted !== 'true') live.add(r.Id);
      if (kind === 'inactive') inactive.add(r.Id);
    }
  });
  return { live: [...live].sort(), inactive: [...inactive].filter((id) => live.has(id)).sort() };
}
