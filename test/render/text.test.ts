import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { renderJson, renderReport } from '../../src/render/json.js';
import { emptyPlan, samplePlan } from './sample-plan.js';

describe('renderText', () => {
  const text = renderText(samplePlan());

  it('ends with the terraform-style summary line', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 3 to add, 2 to change, 1 to destroy.');
  });

  it('comments and signs each change', () => {
    expect(text).toContain('# organization "Acme" will be created');
    expect(text).toContain('+ organization "Acme" {');
    expect(text).toContain('+ external_id = "001A"');
    expect(text).toContain('~ organization "Globex" {');
    expect(text).toContain('~ organization_fields.health = "healthy" -> "at_risk"');
    expect(text).toContain('# organization "Old Co" will be destroyed (retention: Type = \'Former Customer\')');
    expect(text).toContain('- external_id = "001E"');
  });

  it('shows a line diff for multi-line text', () => {
    expect(text).toMatch(/~ notes\s+= <<-EOT/);
    expect(text).toContain('- line two');
    expect(text).toContain('+ line 2');
    expect(text).toMatch(/\n\s+line one\n/);
  });

  it('prints relationship changes on one line with their reason', () => {
    expect(text).toContain('+ membership "ann@acme.com" -> "Acme West" (secondary)');
    expect(text).toContain('~ user "bob@globex.com" default organization "none" -> "Globex EMEA" (primary)');
  });

  it('lists warnings with their records and the estimate', () => {
    expect(text).toContain('! duplicate_account_name: Two accounts are named "Initech"; both skipped. [001F, 001G]');
    expect(text).toContain('Apply needs about 9 requests: ~1 s at 700 requests/minute, with job polling.');
  });

  it('has no colour codes unless asked, and some when asked', () => {
    expect(text).not.toContain('\u001b[');
    expect(renderText(samplePlan(), { color: true })).toContain('\u001b[32m+');
  });

  it('says there is nothing to do for an empty plan', () => {
    expect(renderText(emptyPlan()).trimEnd().split('\n').at(-1)).toBe('No changes. Zendesk matches the configuration.');
  });

  it('shows a sync that failed and still the others', () => {
    const plan = samplePlan();
    plan.syncs.push({ ...plan.syncs[0], name: 'us-federal', from: 'production', to: 'federal', summary: { create: 0, update: 0, delete: 0 }, changes: [], warnings: [], error: 'Zendesk at https://x.example is unreachable' });
    const out = renderText(plan);
    // the reason goes to stderr once (the command writes it); the document points there
    expect(out).toContain('! Error: this sync could not be planned (the reason is on stderr).');
    expect(out).not.toContain('unreachable');
    expect(out).toContain('1 of 2 syncs could not be planned.');
    expect(out).toContain('+ organization "Acme" {');
  });

  it('never says "No changes" when nothing could be planned', () => {
    const plan = emptyPlan();
    plan.syncs[0].error = 'Cannot reach Zendesk instance global at https://x.example';
    const out = renderText(plan);
    expect(out).not.toContain('No changes');
    expect(out.trimEnd().split('\n').at(-1)).toBe('Plan failed: the sync could not be planned.');
  });
});

describe('renderJson and renderReport', () => {
  it('round-trips the plan', () => {
    expect(JSON.parse(renderJson(samplePlan()))).toEqual(samplePlan());
  });
  it('writes one change a line, so that a long plan streams and diffs well', () => {
    const lines = renderJson(samplePlan()).split('\n');
    expect(lines.filter((l) => l.trimStart().startsWith('{"type":')).length).toBe(samplePlan().syncs[0].changes.length);
    expect(lines.filter((l) => l.trimStart().startsWith('{"code":')).length).toBe(1);
  });

  it('writes the GitLab terraform report', () => {
    expect(JSON.parse(renderReport(samplePlan()))).toEqual({ create: 3, update: 2, delete: 1 });
  });
});
