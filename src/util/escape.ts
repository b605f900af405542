// Control and bidi characters made visible in text and markdown output (issue 14): a record's name holding
// U+202E (right-to-left override) would show a reviewer a reversed name; a carriage return or an ANSI escape
// in a value could overwrite or recolour the terminal. Each becomes `\uXXXX`, as JSON writes control characters.
// Newlines and tabs are kept (the renderers split multi-line values themselves).

// C0 but \t and \n, DEL and C1, Arabic letter mark, zero-width and directional marks, line/paragraph separators,
// bidi embeddings/overrides/isolates, word joiner and invisible operators, BOM / zero-width no-break space.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function hasControls(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}
