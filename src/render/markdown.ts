// Plan -> markdown for a merge-request comment: a summary table, a banner when anything would be deleted,
// and each sync's full plan in a collapsible <details> as a `diff` block (so +/- lines are coloured),
// cut to fit the forge's comment limit.
import type { Plan, SyncPlan } from '../model/plan.js';
import { changeLines, estimateText, guardText, type Line, summaryText } from './lines.js';

export interface MarkdownOptions {
  /** GitHub's comment limit is 65,536 characters, GitLab's note limit 1,000,000: default fits both. */
  maxChars?: number;
  /** a heading, e.g. the environment or the pipeline */
  title?: string;
}

export const DEFAULT_MARKDOWN_LIMIT = 65_000;

/** A line inside a ```diff block: the sign must be in column 0 for highlighting; `~` becomes `!` (changed). */
function diffLine(line: Line): string {
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
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}

function escapeInline(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  if (sync.warnings.length > 0) {
    lines.push('', `**Warnings (${sync.warnings.length})**`, '');
    for (const w of sync.warnings) {
      lines.push(`- \`${w.code}\`: ${escapeInline(w.message)}${w.records.length ? ` (${w.records.map((r) => `\`${r}\``).join(', ')})` : ''}`);
    }
  }
  if (sync.orphans) {
    lines.push('', `**Zendesk records with no Salesforce counterpart** (reported, never deleted): ${sync.orphans.organizations.length} organizations, ${sync.orphans.users.length} users`, '');
    for (const o of sync.orphans.organizations) lines.push(`- organization ${escapeInline(o.name)} (id ${o.id})`);
    for (const u of sync.orphans.users) lines.push(`- user ${escapeInline(u.email ?? u.name)} (id ${u.id})`);
  }
  const estimate = estimateText(sync);
  if (estimate) lines.push('', estimate);
  return lines;
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
  }
  head.push('');
  if (plan.summary.delete > 0) {
    const deletes = plan.syncs.flatMap((s) => s.changes.filter((c) => c.action === 'delete'));
    head.push(
      `> :warning: **This plan destroys ${plan.summary.delete} record${plan.summary.delete === 1 ? '' : 's'}** ` +
        `(${deletes.slice(0, 5).map((c) => escapeInline(c.label)).join(', ')}${deletes.length > 5 ? ', …' : ''}). ` +
        'Apply carries deletes out only with `--allow-delete`.',
      '',
    );
  }
  const failed = plan.syncs.filter((s) => s.error);
  if (failed.length > 0) head.push(`> :x: ${failed.length} of ${plan.syncs.length} syncs could not be planned.`, '');
  if (failed.length === 0 || failed.length < plan.syncs.length) head.push(`**${summaryText(plan.summary)}**`, '');
  const guard = guardText(plan.syncs);
  if (guard) head.push(`> :warning: ${escapeInline(guard)}`, '');

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
