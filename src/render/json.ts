// Plan -> JSON (format_version "1.0", DESIGN.md section 4) and GitLab's terraform report.
import type { Plan } from '../model/plan.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** `{ "create": N, "update": N, "delete": N }`: what GitLab's merge-request widget reads as a terraform report. */
export function renderReport(plan: Plan): string {
  const { create, update, delete: del } = plan.summary;
  return `${JSON.stringify({ create, update, delete: del })}\n`;
}
