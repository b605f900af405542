// The mass-change guard (issue 17, part 5): a mapping mistake that rewrites one attribute on most of an
// instance's organizations, or strips a tag from every user, is refused unless forced. Changes are counted
// per record type and per attribute (`name`, `tags`, `organization_id`, `organization_fields.health` ...), over
// updates that overwrite or clear a value Zendesk has (a tag removed counts; filling an empty field or adding
// a tag does not), read from each update's `before` / `after` and never from the reviewer's `diff`. Creates
// add records, and deletes have their own guard (max_deletes). The limit is `syncs.<name>.max_changes`: a
// number of records, or a percentage of the instance's records of that type (default 50%, rounded down, at least 1).
// Pure: plan calls it with the instance it read (to say so in its summary), apply with the live counts.
import type { MaxChanges, Sync } from '../model/config.js';
import type { Change, OrganizationUpdate, UserUpdate, Warning } from '../model/plan.js';
import { isRecord } from '../util/data.js';

export const DEFAULT_MAX_CHANGES: MaxChanges = { percent: 50 };

export type CountedType = 'organization' | 'user';

/** How many updates change each attribute, per record type (`organization` -> `tags` -> 120). */
export type AttributeCounts = Record<CountedType, Map<string, number>>;

const empty = (v: unknown): boolean => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * The attributes an update overwrites or clears: those whose current value (`before`, which the stale check
 * has compared with the live record) is not empty, custom fields one key at a time, `tags` when a current tag
 * is removed, and `organization_id` when the user has one. Filling an empty attribute (a first sync of new
 * fields) and adding tags are not counted: they lose nothing.
 */
export function writtenAttributes(c: OrganizationUpdate | UserUpdate): string[] {
  const out = new Set<string>();
  const before: Record<string, unknown> = isRecord(c.before) ? c.before : {};
  const after: Record<string, unknown> = isRecord(c.after) ? c.after : {};
  for (const [k, v] of Object.entries(after)) {
    const was = before[k];
    if (k === 'organization_fields' || k === 'user_fields') {
      if (!isRecord(v)) continue;
      for (const f of Object.keys(v)) if (!empty(isRecord(was) ? was[f] : undefined)) out.add(`${k}.${f}`);
    } else if (k === 'tags') {
      const kept = new Set(Array.isArray(v) ? v : []);
      if (Array.isArray(was) && was.some((t) => !kept.has(t))) out.add('tags');
    } else if (!empty(was)) out.add(k);
  }
  if (c.type === 'user' && c.organization && !empty(before.organization_id)) out.add('organization_id');
  return [...out];
}

export function countAttributeChanges(changes: readonly Change[]): AttributeCounts {
  const counts: AttributeCounts = { organization: new Map(), user: new Map() };
  for (const c of changes) {
    if (c.action !== 'update' || (c.type !== 'organization' && c.type !== 'user')) continue;
    const map = counts[c.type];
    for (const a of writtenAttributes(c)) map.set(a, (map.get(a) ?? 0) + 1);
  }
  return counts;
}

/** The limit for one record type: the configured number, or the percentage of `total` (at least 1). */
export function maxChangesLimit(setting: MaxChanges, total: number | undefined): number | undefined {
  if ('count' in setting) return setting.count;
  if (total === undefined) return undefined;
  return Math.max(1, Math.floor((total * setting.percent) / 100));
}

export function describeSetting(setting: MaxChanges): string {
  return 'count' in setting ? String(setting.count) : `${setting.percent}%`;
}

export interface MassChangeInput {
  syncName: string;
  config: Sync;
  changes: readonly Change[];
  /** records of each type in the instance (apply: counted live; plan: as read); undefined: unknown */
  totals: Partial<Record<CountedType, number>>;
}

export interface MassChange {
  type: CountedType;
  attribute: string;
  /** updates that change the attribute */
  changes: number;
  /** the limit, undefined when it is a percentage of a total that is unknown */
  limit: number | undefined;
  total: number | undefined;
  message: string;
}

const PLURAL: Record<CountedType, string> = { organization: 'organizations', user: 'users' };

/** Every attribute changed on more records than max_changes allows, with a message that says how to go on. */
export function findMassChanges(input: MassChangeInput): MassChange[] {
  const setting = input.config.max_changes ?? DEFAULT_MAX_CHANGES;
  const counts = countAttributeChanges(input.changes);
  const out: MassChange[] = [];
  for (const type of ['organization', 'user'] as const) {
    const total = input.totals[type];
    const limit = maxChangesLimit(setting, total);
    for (const [attribute, n] of [...counts[type]].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (limit !== undefined && n <= limit) continue;
      const base =
        'count' in setting
          ? `max_changes is ${setting.count}`
          : total === undefined
            ? `max_changes is ${setting.percent}% of the ${PLURAL[type]} in Zendesk "${input.config.to}", whose number is unknown`
            : `max_changes is ${setting.percent}% of the ${total} ${PLURAL[type]} in Zendesk "${input.config.to}": ${limit}`;
      out.push({
        type,
        attribute,
        changes: n,
        limit,
        total,
        message: `sync "${input.syncName}" ${attribute === 'tags' ? 'removes tags from' : `overwrites or clears ${attribute} on`} ${n} ${n === 1 ? type : PLURAL[type]}, more than max_changes (${base}): check the mapping, raise syncs.${input.syncName}.max_changes or pass --force`,
      });
    }
  }
  return out;
}

/** What plan says of a mass change (a warning, and a line of its summary): apply will refuse it without --force. */
export function massChangeWarning(m: MassChange): Warning {
  return { code: 'max_changes', message: `${m.message} (apply refuses it without --force)`, records: [] };
}
