// The order apply writes in (DESIGN.md section 4): fields and their options first (issue 17: the values of the
// records below need them), organizations, then users, then memberships and default changes, deletes last (Cases, written to Salesforce, after them), so
// that every record a change refers to exists before it.
import { changeKind, isChangeKind, type Change, type ChangeKind } from '../model/plan.js';

export type PhaseName = ChangeKind;

export const PHASES: readonly PhaseName[] = [
  'field:create',
  'field_option:create',
  'organization:create',
  'organization:update',
  'user:create',
  'user:update',
  'membership:create',
  'membership:make_default',
  'membership:delete',
  'user:suspend',
  'organization:delete',
  'user:delete',
  // Salesforce Cases (issue 18): independent of the Zendesk writes, last
  'case:create',
  'case:update',
];

export interface Phase {
  name: PhaseName;
  changes: Change[];
}

/** A change's phase, or null when apply does not know how to carry it out (the guard refuses those first). */
export function phaseOf(change: Change): PhaseName | null {
  const kind = changeKind(change);
  return isChangeKind(kind) ? kind : null;
}

/** The changes grouped into phases, in write order; within a phase the plan's order is kept. */
export function orderChanges(changes: Change[]): { phases: Phase[]; unsupported: Change[] } {
  const groups = new Map<PhaseName, Change[]>(PHASES.map((p) => [p, []]));
  const unsupported: Change[] = [];
  for (const c of changes) {
    const p = phaseOf(c);
    if (p) groups.get(p)!.push(c);
    else unsupported.push(c);
  }
  const phases = PHASES.map((name) => ({ name, changes: groups.get(name)! })).filter((p) => p.changes.length > 0);
  return { phases, unsupported };
}
