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
    expect(md).toContain(':warning: **This plan destroys 1 record** (Old Co)');
    expect(renderMarkdown(emptyPlan())).not.toContain(':warning:');
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
});
