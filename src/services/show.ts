// `zdsf show PLANFILE`: a saved plan rendered exactly as `zdsf plan` printed it, by the same render functions.
import type { Plan } from '../model/plan.js';
import { DEFAULT_MARKDOWN_LIMIT, jsonChunks, renderMarkdown, textChunks } from '../render/index.js';
import { readPlanFile } from './plan-file.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface RenderPlanOptions {
  format: PlanFormat;
  /** text: ANSI colours */
  color?: boolean;
  /** markdown: cut to this many characters */
  markdownLimit?: number;
}

/** The document `zdsf plan --format F` writes to stdout, as chunks (a first sync's plan can be very large). */
export function planDocument(plan: Plan, options: RenderPlanOptions): Iterable<string> {
  if (options.format === 'json') return jsonChunks(plan);
  if (options.format === 'markdown') return [renderMarkdown(plan, { maxChars: options.markdownLimit ?? DEFAULT_MARKDOWN_LIMIT })];
  return textChunks(plan, { color: options.color ?? false });
}

export interface ShowOptions extends RenderPlanOptions {
  file: string;
}

/** Reads a saved plan (refusing anything that is not one, with the reason) and renders it. */
export async function showPlan(options: ShowOptions): Promise<Iterable<string>> {
  const plan = await readPlanFile(options.file);
  return planDocument(plan, options);
}
