// Turns a Plan into a list of signed lines, independent of how they are printed (terminal colours,
// a markdown `diff` block). Computing the plan (reconcile) and printing it (text, markdown) stay separate.
import { diffLines } from 'diff';
import type { CaseChange, Change, SyncPlan, Warning } from '../model/plan.js';
import { plural } from '../util/text.js';

/** '+' create, '-' destroy, '~' change, ' ' context, '#' comment, '!' warning, '' blank */
export type Sign = '+' | '-' | '~' | ' ' | '#' | '!' | '';

export interface Line {
  sign: Sign;
  /** indentation level (2 spaces each), before the sign */
  indent: number;
  text: string;
}

const ACTION_WORDS: Record<Change['action'], string> = {
  create: 'will be created',
  update: 'will be updated in-place',
  delete: 'will be destroyed',
  make_default: 'will become the default organization',
  suspend: 'will be suspended',
};

const SIGNS: Record<Change['action'], Sign> = { create: '+', update: '~', delete: '-', make_default: '~', suspend: '~' };

/** A value as the plan prints it: strings quoted, lists in brackets, null as null. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isMultiline(value: unknown): value is string {
  return typeof value === 'string' && value.includes('\n');
}

/** Multi-line text changes as a line diff inside a heredoc, like terraform. */
function textDiffLines(path: string, before: unknown, after: unknown, width: number, indent: number): Line[] {
  const lines: Line[] = [{ sign: '~', indent, text: `${path.padEnd(width)} = <<-EOT` }];
  const parts = diffLines(typeof before === 'string' ? before : '', typeof after === 'string' ? after : '');
  for (const part of parts) {
    const sign: Sign = part.added ? '+' : part.removed ? '-' : ' ';
    const body = part.value.endsWith('\n') ? part.value.slice(0, -1) : part.value;
    for (const l of body.split('\n')) lines.push({ sign, indent: indent + 2, text: l });
  }
  lines.push({ sign: ' ', indent: indent + 1, text: 'EOT' });
  return lines;
}

function headerName(change: Change): string {
  if (change.type === 'membership') return `membership ${JSON.stringify(change.user.email)} -> ${JSON.stringify(change.organization.name)}`;
  // options added to an existing field (issue 17): shown as a change of that field
  if (change.type === 'field_option') return `field ${JSON.stringify(change.label)}`;
  return `${change.type} ${JSON.stringify(change.label)}`;
}

/** The `#` line of a change block. */
function commentText(change: Change, reason: string): string {
  if (change.type === 'field_option') {
    const n = change.diff.length;
    return `field ${JSON.stringify(change.label)} will get ${n} new option${n === 1 ? '' : 's'}${reason}`;
  }
  return `${change.type} ${JSON.stringify(change.label)} ${ACTION_WORDS[change.action]}${reason}`;
}

/** The lines of one change: a `#` comment, then a block (or a one-line form for relationship changes). */
/** A case change (issue 18) in one line: `+ case for ticket #123 "Printer on fire" -> account "Acme"`,
 * `~ case 500... (ticket #123) Status "New" -> "Closed"`. */
function caseLine(change: CaseChange, indent: number): Line {
  if (change.action === 'create') {
    const links = [change.account ? `account ${JSON.stringify(change.account.name)}` : 'no account', change.contact ? `contact ${JSON.stringify(change.contact.email || change.contact.id)}` : null].filter(Boolean).join(', ');
    const subject = change.ticket.subject !== null ? ` ${JSON.stringify(change.ticket.subject)}` : '';
    return { sign: '+', indent, text: `case for ticket #${change.zendesk_id}${subject} -> ${links}` };
  }
  const diffs = change.diff.map((d) => `${d.path} ${formatValue(d.before)} -> ${formatValue(d.after)}`).join(', ');
  return { sign: '~', indent, text: `case ${change.salesforce_id} (ticket #${change.zendesk_id}) ${diffs}` };
}

/** The lines of one change: a `#` comment, then a block (or a one-line form for relationship changes and cases). */
export function changeLines(change: Change, indent = 1): Line[] {
  if (change.type === 'case') return [caseLine(change, indent)];
  const reason = change.reason ? ` (${change.reason})` : '';
  const sign = SIGNS[change.action];

  if (change.type === 'membership' && change.action === 'create') {
    const why = [change.reason, change.default ? 'default organization' : null].filter(Boolean).join(', ');
    return [{ sign: '+', indent, text: `${headerName(change)}${why ? ` (${why})` : ''}` }];
  }
  if (change.type === 'membership' && change.action === 'delete') {
    return [{ sign: '-', indent, text: `${headerName(change)}${reason}` }];
  }
  if (change.type === 'membership') {
    return [
      {
        sign: '~',
        indent,
        text: `user ${JSON.stringify(change.user.email)} default organization ${JSON.stringify('none')} -> ${JSON.stringify(change.organization.name)}${reason}`,
      },
    ];
  }

  const lines: Line[] = [{ sign: '#', indent, text: commentText(change, reason) }];
  lines.push({ sign: change.type === 'field_option' ? '~' : sign, indent, text: `${headerName(change)} {` });
  const inner = indent + 1;

  if (change.action === 'delete') {
    const entries = Object.entries(change.before ?? {});
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [k, v] of entries) lines.push({ sign: '-', indent: inner, text: `${k.padEnd(width)} = ${formatValue(v)}` });
  } else {
    const width = Math.max(0, ...change.diff.map((d) => d.path.length));
    for (const d of change.diff) {
      if (change.action === 'create') {
        lines.push({ sign: '+', indent: inner, text: `${d.path.padEnd(width)} = ${formatValue(d.after)}` });
      } else if (isMultiline(d.before) || isMultiline(d.after)) {
        lines.push(...textDiffLines(d.path, d.before, d.after, width, inner));
      } else if (d.after === null || d.after === undefined) {
        lines.push({ sign: '-', indent: inner, text: `${d.path.padEnd(width)} = ${formatValue(d.before)} -> null` });
      } else if (d.before === null || d.before === undefined) {
        lines.push({ sign: '+', indent: inner, text: `${d.path.padEnd(width)} = ${formatValue(d.after)}` });
      } else {
        lines.push({ sign: '~', indent: inner, text: `${d.path.padEnd(width)} = ${formatValue(d.before)} -> ${formatValue(d.after)}` });
      }
    }
    if (change.zendesk_id !== null) lines.push({ sign: ' ', indent: inner, text: `${'id'.padEnd(width)} = ${change.zendesk_id}` });
    if (change.type === 'user' && change.action === 'create' && change.organization?.id === null) {
      lines.push({ sign: ' ', indent: inner, text: `(organization ${JSON.stringify(change.organization.key)} is created by this plan)` });
    }
  }
  lines.push({ sign: ' ', indent, text: '}' });
  return lines;
}

/** Records listed in a warning line: the full list is in `--format json`. */
export const MAX_WARNING_RECORDS = 10;

export function warningLines(warnings: Warning[], indent = 1): Line[] {
  return warnings.map((w) => {
    const shown = w.records.slice(0, MAX_WARNING_RECORDS).join(', ');
    const more = w.records.length > MAX_WARNING_RECORDS ? `, … and ${w.records.length - MAX_WARNING_RECORDS} more (all in --format json)` : '';
    return { sign: '!' as const, indent, text: `${w.code}: ${w.message}${w.records.length ? ` [${shown}${more}]` : ''}` };
  });
}

export function summaryText(s: { create: number; update: number; delete: number }): string {
  if (s.create + s.update + s.delete === 0) return 'No changes. Zendesk matches the configuration.';
  return `Plan: ${s.create} to add, ${s.update} to change, ${s.delete} to destroy.`;
}

/** The summary's note when apply will refuse part of the plan without --force (the max_changes guard). */
export function guardText(syncs: SyncPlan[]): string | null {
  const n = syncs.reduce((k, s) => k + s.warnings.filter((w) => w.code === 'max_changes').length, 0);
  if (n === 0) return null;
  return `Over max_changes: ${n} attribute${n === 1 ? '' : 's'} would change on more records than allowed (see the max_changes warnings); apply refuses this plan without --force.`;
}

export function estimateText(sync: SyncPlan): string | null {
  const e = sync.estimate;
  if (!e || e.requests === 0) return null;
  const minutes = e.seconds / 60;
  const time = minutes >= 1 ? `~${Math.ceil(minutes)} min` : `~${Math.max(1, Math.ceil(e.seconds))} s`;
  return `Apply needs about ${e.requests} requests: ${time} at ${e.rate_limit_per_minute} requests/minute, with job polling.`;
}

/** Every line of one sync's section: changes, warnings, orphans, estimate, summary. */
export function* syncLines(sync: SyncPlan): Generator<Line> {
  if (sync.error) {
    // the reason itself goes to stderr, once (the command writes it); the document says where to look
    yield { sign: '!', indent: 0, text: 'Error: this sync could not be planned (the reason is on stderr).' };
    return;
  }
  if (sync.changes.length > 0) {
    yield { sign: '', indent: 0, text: `zdsf will perform the following actions on ${sync.to}:` };
    for (const change of sync.changes) {
      yield { sign: '', indent: 0, text: '' };
      yield* changeLines(change);
    }
    yield { sign: '', indent: 0, text: '' };
  }
  if (sync.warnings.length > 0) {
    yield { sign: '', indent: 0, text: `Warnings (${sync.warnings.length}):` };
    yield* warningLines(sync.warnings);
    yield { sign: '', indent: 0, text: '' };
  }
  if (sync.orphans) {
    const { organizations, users } = sync.orphans;
    yield {
      sign: '',
      indent: 0,
      text: `Zendesk records with no Salesforce counterpart (reported, never deleted): ${plural(organizations.length, 'organization')}, ${plural(users.length, 'user')}`,
    };
    for (const o of organizations)
      yield { sign: '#', indent: 1, text: `organization ${JSON.stringify(o.name)} (id ${o.id}${o.external_id ? `, external_id ${o.external_id}` : ''})` };
    for (const u of users) yield { sign: '#', indent: 1, text: `user ${JSON.stringify(u.email ?? u.name)} (id ${u.id})` };
    yield { sign: '', indent: 0, text: '' };
  }
  const estimate = estimateText(sync);
  if (estimate) yield { sign: '', indent: 0, text: estimate };
  const cases = casesEstimateText(sync);
  if (cases) yield { sign: '', indent: 0, text: cases };
}

/** The Salesforce side of the estimate (issue 18): `Cases: 3 to add, 1 to change in Salesforce dev (about 2 requests).` */
export function casesEstimateText(sync: SyncPlan): string | null {
  if (!sync.cases) return null;
  const add = sync.changes.filter((c) => c.type === 'case' && c.action === 'create').length;
  const change = sync.changes.filter((c) => c.type === 'case' && c.action === 'update').length;
  if (add + change === 0) return null;
  return `Cases: ${add} to add, ${change} to change in Salesforce ${sync.cases.salesforce.name} (about ${sync.cases.requests} requests: upserts of 200, look-ups of 300).`;
}
