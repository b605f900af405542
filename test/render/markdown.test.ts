import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Change } from '../../src/model/plan.js';
import { emptyPlan, samplePlan } from './sample-plan.js';

describe('renderMarkdown', () => {
  const md = renderMarkdown(samplePlan());

  it('has a summary table per sync', () => {
    expect(md).toContain('| Sync | Salesforce → Zendesk | To add | To change | To destroy | Warnings |');
    expect(md).toContain('| `global` | production → global | 3 | 2 | 1 | 1 |');
  });

  it('warns when anything would be deleted', () => {
    expect(md).toContain('> ⚠ **Warning: this plan destroys 1 record** (Old Co).');
    expect(renderMarkdown(emptyPlan())).not.toContain('⚠');
    // no emoji shortcodes: they are text outside GitHub and GitLab
    expect(md).not.toMatch(/:[a-z_]+:/);
  });

  it('puts the plan in a collapsible diff block with signs in column 0', () => {
    expect(md).toContain('<details><summary>Sync <code>global</code>: 3 to add, 2 to change, 1 to destroy</summary>');
    expect(md).toContain('```diff\n');
    expect(md).toMatch(/^\+ organization "Acme" \{$/m);
    expect(md).toMatch(/^! organization "Globex" \{$/m);
    expect(md).toMatch(/^- organization "Old Co" \{$/m);
    expect(md.split('```').length % 2).toBe(1);
  });

  it('says so for an empty plan', () => {
    expect(renderMarkdown(emptyPlan())).toContain('**No changes. Zendesk matches the configuration.**');
  });

  it('cuts a long plan to the limit and says how much was left out', () => {
    const plan = samplePlan();
    const many: Change[] = [];
    for (let i = 0; i < 3000; i++) {
      many.push({ type: 'organization', action: 'create', key: `k${i}`, zendesk_id: null, label: `Org ${i}`, before: null, after: { name: `Org ${i}` }, diff: [{ path: 'name', before: null, after: `Org ${i}` }] });
    }
    plan.syncs[0].changes = many;
    const cut = renderMarkdown(plan, { maxChars: 20_000 });
    expect(cut.length).toBeLessThanOrEqual(20_000);
    expect(cut).toMatch(/_… \d+ more lines left out to fit the comment limit/);
    expect(cut.split('```').length % 2).toBe(1);
    expect(cut).toContain('| `global` |');
  });

  it('breaks the summary down by record type', () => {
    expect(md).toMatch(/^\| ↳ organizations \| \| \d+ \| \d+ \| 1 \| \|$/m);
  });

  it('says, outside the fold, what apply will refuse: deletes without --allow-delete, more than max_deletes', () => {
    const before = md.slice(0, md.indexOf('<details>'));
    expect(before).toContain('**Apply will refuse:**');
    expect(before).toContain('- ⚠ sync `global`: the delete runs only with `--allow-delete`.');
    expect(before).not.toContain('exceed max_deletes');
    const strict = renderMarkdown(samplePlan(), { maxDeletes: { global: 0 } });
    expect(strict.slice(0, strict.indexOf('<details>'))).toContain('1 delete exceed max_deletes (retention.max_deletes is 0, 0): apply refuses them even with `--allow-delete` unless `--force`');
    const plan = samplePlan();
    plan.syncs[0].zendesk_organization_count = 5; // default limit: 10% of 5 -> 1
    expect(renderMarkdown(plan)).not.toContain('exceed max_deletes');
  });

  it('keeps every warning outside the fold, records cut with a count, also when the diff is cut', () => {
    const plan = samplePlan();
    const ids = Array.from({ length: 417 }, (_, i) => `003${String(i).padStart(15, '0')}`);
    plan.syncs[0].warnings = [{ code: 'missing_email', message: '417 people have no valid email and were not synced', records: ids }];
    const many: Change[] = [];
    for (let i = 0; i < 3000; i++) {
      many.push({ type: 'organization', action: 'create', key: `k${i}`, zendesk_id: null, label: `Org ${i}`, before: null, after: { name: `Org ${i}` }, diff: [{ path: 'name', before: null, after: `Org ${i}` }] });
    }
    plan.syncs[0].changes.push(...many);
    const cut = renderMarkdown(plan, { maxChars: 20_000 });
    expect(cut).toMatch(/_… \d+ more lines left out/);
    const before = cut.slice(0, cut.indexOf('<details>'));
    expect(before).toContain('**Warnings (1)**');
    expect(before).toContain('- `missing_email`: 417 people have no valid email and were not synced (`003000000000000000`');
    expect(before).toContain(', … and 407 more (all in `--format json`))');
    expect(cut).not.toContain(ids[10]);
  });
});
