// Account Ids that differ only in case (issue 14): Salesforce's 15-character Ids are case-sensitive, Zendesk's
// external_id is not, so two such accounts would fight over one organization (every apply failing DuplicateValue,
// every plan saying "1 to add"). The first (in Id order) is synced; each other one is skipped with a warning
// naming both.
import type { Warning } from '../model/plan.js';

export interface CaseCollisions {
  /** Ids to skip */
  skipped: Set<string>;
  warnings: Warning[];
}

export function idCaseCollisions(ids: readonly string[]): CaseCollisions {
  const first = new Map<string, string>();
  const skipped = new Set<string>();
  const warnings: Warning[] = [];
  for (const id of [...new Set(ids)].sort()) {
    const k = id.toLowerCase();
    const kept = first.get(k);
    if (kept === undefined) {
      first.set(k, id);
      continue;
    }
    if (kept === id) continue;
    skipped.add(id);
    warnings.push({
      code: 'id_case_collision',
      message:
        `Accounts ${kept} and ${id} have Ids that differ only in case; Zendesk external_ids ignore case, so only ${kept} is synced ` +
        `and ${id} is skipped (use 18-character Ids, which are unique regardless of case)`,
      records: [kept, id],
    });
  }
  return { skipped, warnings };
}
