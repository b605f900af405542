// Plan -> markdown for a merge-request comment: a summary table (per sync, and per record type), what a reviewer
// must not miss outside any fold (deletes, the refusals apply will make, every warning), then each sync's full
// plan in a collapsible <details> as a `diff` block (so +/- lines are coloured), cut to fit the forge's comment
// limit: only the diff is cut, never the warnings or the refusals. No emoji shortcodes (`:warning:` is text
// outside GitHub and GitLab): Unicode signs with words.
import type { Change, Plan, SyncPlan, Warning } from '../model/plan.js';
import { plural } from '../util/text.js';
import { escapeControls } from '../util/escape.js';
import { casesEstimateText, changeLines, estimateText, guardText, MAX_WARNING_RECORDS, type Line, summaryText } from './lines.js';

export interface MarkdownOptions {
  /** GitHub's comment limit is 65,536 characters, GitLab's note limit 1,000,000: default fits both. */
  maxChars?: number;
  /** a heading, e.g. the environment or the pipeline */
  title?: string;
  /** syncs.<name>.organizations.retention.max_deletes from the config, by sync (absent: apply's default, 10% of the
   * organizations in Zendesk at plan time) */
  maxDeletes?: Record<string, number | undefined>;
}



export const DEFAULT_MARKDOWN_LIMIT = 65_000;

/** A line inside a ```diff block: the sign must be in column 0 for highlighting; `~` becomes `!` (changed). */
function diffLine(raw: Line): string {
  const line = { ...raw, text: escapeControls(raw.text) }; // bidi and control characters shown, not obeyed
  const pad = '  '.repeat(line.indent);
  switch (line.sign) {
    case '+':
    case '-':
      return `${line.sign} ${pad}${line.text}`;
    case '~':
      return `! ${pad}${line.text}`;
    case '#':
      return `  ${pad}# ${line.text}`;
    case '!':
      return `! ${pad}${line.text}`;
    case ' ':
      return `  ${pad}${line.text}`;
    default:
      return line.text;
  }
}

function escapeCell(text: string): string {
  return escapeControls(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}

function escapeInline(text: string): string {
  return escapeControls(text).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function syncBody(sync: SyncPlan): string[] {
  if (sync.error) return [`**Error:** ${escapeInline(sync.error)}`];
  const lines: string[] = [];
  if (sync.changes.length > 0) {
    lines.push('```diff');
    sync.changes.forEach((change, i) => {
      if (i > 0 && (change.type !== 'membership' || sync.changes[i - 1].type !== 'membership')) lines.push('');
      for (const l of changeLines(change, 0)) lines.push(diffLine(l));
    });
    lines.push('```');
  } else {
    lines.push('No changes. Zendesk matches the configuration.');
  }
  if (sync.orphans) {
    lines.push('', `**Zendesk records with no Salesforce counterpart** (reported, never deleted): ${plural(sync.orphans.organizations.length, 'organization')}, ${plural(sync.orphans.users.length, 'user')}`, '');
    for (const o of sync.orphans.organizations) lines.push(`- organization ${escapeInline(o.name)} (id ${o.id})`);
    for (const u of sync.orphans.users) lines.push(`- user ${escapeInline(u.email ?? u.name)} (id ${u.id})`);
  }
  const estimate = estimateText(sync);
  if (estimate) lines.push('', estimate);
  const cases = casesEstimateText(sync);
  if (cases) lines.push('', escapeInline(cases));
  return lines;
}

const TYPE_NAMES: Record<Change['type'], [string, string]> = {
  organization: ['organization', 'organizations'],
  user: ['user', 'users'],
  membership: ['membership', 'memberships'],
  field: ['field', 'fields'],
  field_option: ['field option change', 'field option changes'],
  case: ['case', 'cases'],
};

/** The summary table's rows by record type under a sync's row (only the types that change). */
function typeRows(changes: Change[]): string[] {
  const rows: string[] = [];
  for (const type of ['field', 'field_option', 'organization', 'user', 'membership', 'case'] as const) {
    const of = changes.filter((c) => c.type === type);
    if (of.length === 0) continue;
    const create = of.filter((c) => c.action === 'create').length;
    const del = of.filter((c) => c.action === 'delete').length;
    rows.push(`| ↳ ${TYPE_NAMES[type][1]} | | ${create} | ${of.length - create - del} | ${del} | |`);
  }
  return rows;
}

/** What `zdsf apply` will refuse for this sync as planned: deletes without --allow-delete, more than max_deletes. */
function refusalLines(sync: SyncPlan, configured: number | undefined): string[] {
  const deletes = sync.changes.filter((c) => c.action === 'delete').length;
  if (deletes === 0 || sync.error) return [];
  const out = [`- ⚠ sync \`${escapeInline(sync.name)}\`: ${deletes === 1 ? 'the delete runs' : `the ${plural(deletes, 'delete')} run`} only with \`--allow-delete\`.`];
  const count = sync.zendesk_organization_count;
  const max = configured ?? (typeof count === 'number' ? Math.max(1, Math.floor(count / 10)) : undefined);
  const basis = configured !== undefined ? `retention.max_deletes is ${configured}` : `the default, 10% of ${plural(count ?? 0, 'organization')}`;
  if (max !== undefined && deletes > max) {
    out.push(`- ⚠ sync \`${escapeInline(sync.name)}\`: ${plural(deletes, 'delete')} exceed max_deletes (${basis}, ${max}): apply refuses them even with \`--allow-delete\` unless \`--force\` is given, or max_deletes is raised.`);
  }
  return out;
}

function warningLine(sync: SyncPlan, w: Warning, named: boolean): string {
  const shown = w.records.slice(0, MAX_WARNING_RECORDS).map((r) => `\`${escapeInline(r)}\``);
  const more = w.records.length > MAX_WARNING_RECORDS ? `, … and ${w.records.length - MAX_WARNING_RECORDS} more (all in \`--format json\`)` : '';
  return `- ${named ? `\`${escapeInline(sync.name)}\` ` : ''}\`${w.code}\`: ${escapeInline(w.message)}${shown.length ? ` (${shown.join(', ')}${more})` : ''}`;
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.maxChars ?? DEFAULT_MARKDOWN_LIMIT;
  const head: string[] = [];
  head.push(`### ${options.title ?? 'zdsf plan'}`, '');
  head.push('| Sync | Salesforce → Zendesk | To add | To change | To destroy | Warnings |');
  head.push('|---|---|---:|---:|---:|---:|');
  for (const s of plan.syncs) {
    const cells = s.error
      ? ['error', 'error', 'error', String(s.warnings.length)]
      : [String(s.summary.create), String(s.summary.update), String(s.summary.delete), String(s.warnings.length)];
    head.push(`| \`${escapeCell(s.name)}\` | ${escapeCell(s.from)} → ${escapeCell(s.to)} | ${cells.join(' | ')} |`);
    for (const row of typeRows(s.changes)) head.push(row);
  }
  head.push('');
  if (plan.summary.delete > 0) {
    const deletes = plan.syncs.flatMap((s) => s.changes.filter((c) => c.action === 'delete'));
    head.push(
      `> ⚠ **Warning: this plan destroys ${plural(plan.summary.delete, 'record')}** ` +
        `(${deletes.slice(0, 5).map((c) => escapeInline(c.label)).join(', ')}${deletes.length > 5 ? ', …' : ''}).`,
      '',
    );
  }
  const refusals = plan.syncs.flatMap((s) => refusalLines(s, options.maxDeletes?.[s.name]));
  if (refusals.length > 0) head.push('**Apply will refuse:**', '', ...refusals, '');
  const failed = plan.syncs.filter((s) => s.error);
  if (failed.length > 0) head.push(`> ✖ **Error:** ${failed.length} of ${plural(plan.syncs.length, 'sync')} could not be planned.`, '');
  if (failed.length === 0 || failed.length < plan.syncs.length) head.push(`**${summaryText(plan.summary)}**`, '');
  const warned = plan.syncs.filter((s) => s.warnings.length > 0);
  if (warned.length > 0) {
    head.push(`**Warnings (${plan.syncs.reduce((n, s) => n + s.warnings.length, 0)})**`, '');
    for (const s of warned) for (const w of s.warnings) head.push(warningLine(s, w, plan.syncs.length > 1));
    head.push('');
  }
  const guard = guardText(plan.syncs);
  if (guard) head.push(`> ⚠ **Warning:** ${escapeInline(guard)}`, '');

  const sections = plan.syncs.map((s) => {
    const summary = s.error ? 'could not be planned' : summaryText(s.summary).replace(/^Plan: /, '').replace(/\.$/, '');
    return {
      open: [`<details><summary>Sync <code>${escapeInline(s.name)}</code>: ${escapeInline(summary)}</summary>`, ''],
      body: syncBody(s),
      close: ['', '</details>', ''],
    };
  });

  const assemble = (bodies: string[][]): string =>
    [...head, ...sections.flatMap((s, i) => [...s.open, ...bodies[i], ...s.close])].join('\n');

  let bodies = sections.map((s) => s.body);
  let text = assemble(bodies);
  if (text.length <= limit) return text;

  // Too long for a comment: cut each sync's body proportionally, keeping the code fence balanced.
  const total = bodies.reduce((n, b) => n + b.length, 0);
  const overhead = assemble(sections.map(() => [])).length + sections.length * 200;
  const budget = Math.max(0, limit - overhead);
  bodies = sections.map((s) => {
    const share = Math.floor((budget * s.body.length) / Math.max(total, 1));
    const kept: string[] = [];
    let size = 0;
    let inFence = false;
    for (const line of s.body) {
      if (size + line.length + 1 > share) break;
      kept.push(line);
      size += line.length + 1;
      if (line.startsWith('```')) inFence = !inFence;
    }
    const omitted = s.body.length - kept.length;
    if (omitted === 0) return kept;
    if (inFence) kept.push('```');
    kept.push('', `_… ${omitted} more lines left out to fit the comment limit: the full plan is in the pipeline's artifacts (\`zdsf plan --out\`, \`--format json\`)._`);
    return kept;
  });
  text = assemble(bodies);
  return text.length <= limit ? text : `${text.slice(0, limit - 80)}\n\n_… cut to fit the comment limit._\n`;
}
