export { renderText, textChunks, type TextOptions } from './text.js';
export { renderMarkdown, DEFAULT_MARKDOWN_LIMIT, type MarkdownOptions } from './markdown.js';
export { jsonChunks, renderJson, renderReport } from './json.js';
export { summaryText } from './lines.js';
