// Ticket-aware retention (issue 17 part 2), pure: organization deletes whose organization still has tickets
// that are not closed (retention.keep_if_open_tickets, default on), or tickets updated within
// retention.keep_if_ticket_within_days, are taken out of the plan, and the plan lists each as kept, with why
// (warning `kept_for_tickets`). The counts come from the Zendesk adapter (src/zendesk/ticket-counts.ts).
import type { RetentionRule } from '../model/config.js';
import type { Change, OrganizationDelete, Warning } from '../model/plan.js';
import type { TicketActivity, TicketActivityQuery } from '../model/ports.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What to ask Zendesk about the deletes of a plan, or null when the rule asks nothing (or nothing is deleted). */
export function ticketQuery(changes: readonly Change[], rule: RetentionRule | undefined, now: Date): TicketActivityQuery | null {
  if (!rule) return null;
  const open = rule.keep_if_open_tickets !== false;
  const days = rule.keep_if_ticket_within_days;
  if (!open && days === undefined) return null;
  const organizationIds = changes.filter((c): c is OrganizationDelete => c.type === 'organization' && c.action === 'delete').map((c) => c.zendesk_id);
  if (organizationIds.length === 0) return null;
  return { organizationIds, open, ...(days !== undefined ? { since: new Date(now.getTime() - days * DAY_MS) } : {}) };
}

/** Why an organization is kept, or null when its tickets do not keep it. */
export function keepReason(a: TicketActivity, rule: RetentionRule): string | null {
  if (a.open > 0) return `${a.open} ticket${a.open === 1 ? '' : 's'} not closed (retention.keep_if_open_tickets)`;
  if (a.recent > 0) {
    return `${a.recent} ticket${a.recent === 1 ? '' : 's'} updated within the last ${rule.keep_if_ticket_within_days} days (retention.keep_if_ticket_within_days)`;
  }
  return null;
}

/** The changes without the deletes that tickets keep, and one warning per kept organization. */
export function keepOrganizationsWithTickets(changes: readonly Change[], activity: readonly TicketActivity[], rule: RetentionRule): { changes: Change[]; kept: Warning[] } {
  const byId = new Map(activity.filter((a) => a.organizationId !== undefined).map((a) => [a.organizationId as number, a]));
  const kept: Warning[] = [];
  const out: Change[] = [];
  for (const c of changes) {
    const a = c.type === 'organization' && c.action === 'delete' ? byId.get(c.zendesk_id) : undefined;
    const reason = a ? keepReason(a, rule) : null;
    if (c.type === 'organization' && c.action === 'delete' && reason !== null) {
      kept.push({
        code: 'kept_for_tickets',
        message: `organization ${JSON.stringify(c.label)} (id ${c.zendesk_id}) matches ${c.reason ?? 'the retention rule'} but is kept: ${reason}`,
        records: [...(c.sources ?? []), String(c.zendesk_id)],
      });
      continue;
    }
    out.push(c);
  }
  return { changes: out, kept };
}
