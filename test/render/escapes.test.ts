// Bidi and control characters in record values are shown escaped in text and markdown output (issue 14).
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { escapeControls, hasControls } from '../../src/util/escape.js';
import { samplePlan } from './sample-plan.js';

const RLO = '\u202e';
const NASTY = `Acme ${RLO}gnp.exe\u2066 \u200b\r\x1b[2J\x9b end`;

function nastyPlan(): Plan {
  const plan = samplePlan();
  const change = plan.syncs[0].changes[0];
  change.label = NASTY;
  change.after = { ...change.after, name: NASTY, notes: `first ${RLO}\nsecond\u2029` };
  change.diff = [...change.diff, { path: 'notes', before: null, after: `first ${RLO}\nsecond\u2029` }];
  change.diff[0] = { path: 'name', before: null, after: NASTY };
  plan.syncs[0].warnings = [{ code: 'agent_skipped', message: `user ${NASTY} is an agent`, records: ['003X'] }];
  return plan;
}

describe('escapeControls', () => {
  it('escapes bidi overrides and isolates, zero-width, CR, ESC, C1 and separators; keeps \\n, \\t and ordinary text', () => {
    expect(escapeControls(NASTY)).toBe('Acme \\u202egnp.exe\\u2066 \\u200b\\u000d\\u001b[2J\\u009b end');
    expect(escapeControls('tab\tnew\nline é ü 中文 עברית')).toBe('tab\tnew\nline é ü 中文 עברית');
    expect(hasControls(NASTY)).toBe(true);
    expect(hasControls('plain')).toBe(false);
  });
});

describe('rendering', () => {
  for (const [name, out] of [
    ['text', () => renderText(nastyPlan())],
    ['text with colour', () => renderText(nastyPlan(), { color: true })],
    ['markdown', () => renderMarkdown(nastyPlan())],
  ] as const) {
    it(`${name}: no raw bidi or control character reaches the output`, () => {
      const text = out();
      for (const c of [RLO, '\u2066', '\u200b', '\r', '\x9b', '\u2029']) expect(text.includes(c), JSON.stringify(c)).toBe(false);
      // the only ESC left is chalk's own colouring
      // eslint-disable-next-line no-control-regex -- chalk's colour codes
      expect(text.replace(/\x1b\[[0-9;]*m/g, '')).not.toContain('\x1b');
      expect(text).toContain('\\u202egnp.exe');
    });
  }
});
