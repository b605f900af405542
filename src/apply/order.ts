// The order apply writes in (DESIGN.md section 4): organizations, then users, then memberships and default
// changes, deletes last, so that every record a change refers to exists before it.
import type { Change, ChangeAction, ChangeType } from '../model/plan.js';

export type PhaseName =
  | 'organization:create'
  | 'organization:update'
  | 'user:create'
  | 'user:update'
  | 'membership:create'
  | 'membership:make_default'
  | 'organization:delete';

export const PHASES: readonly PhaseName[] = [
  'organization:create',
  'organization:update',
  'user:create',
  'user:update',
  'membership:create',
  'membership:make_default',
  'organization:delete',
];

export interface Phase {
  name: PhaseName;
  type: ChangeType;
  action: ChangeAction;
  changes: Change[];
}

/** A change's phase, or null when apply does not know how to carry it out (user delete, membership delete ...). */
export function phaseOf(change: Change): PhaseName | null {
  const name = `${change.type}:${change.action}`;
  if (name === 'user:make_default') return 'membership:make_default';
  return (PHASES as readonly string[]).includes(name) ? (name as PhaseName) : null;
}

/**
 * The changes grouped into phases, in write order; within a phase the plan's order is kept. Changes of no phase
 * are returned apart (apply reports them as failures).
 */
export function orderChanges(changes: Change[]): { phases: Phase[]; unsupported: Change[] } {
  const groups = new Map<PhaseName, Change[]>(PHASES.map((p) => [p, []]));
  const unsupported: Change[] = [];
  for (const c of changes) {
    const p = phaseOf(c);
    if (p) groups.get(p)!.push(c);
    else unsupported.push(c);
  }
  const phases = PHASES.map((name) => {
    const [type, action] = name.split(':') as [ChangeType, ChangeAction];
    return { name, type, action, changes: groups.get(name)! };
  }).filter((p) => p.changes.length > 0);
  return { phases, unsupported };
}
