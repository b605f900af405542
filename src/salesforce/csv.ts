// A small RFC 4180 CSV parser for Bulk API 2.0 query results (comma-delimited, LF or CRLF line
// endings, double-quoted fields with doubled quotes inside). Pure.

/**
 * A field as a string of its own. V8 makes a slice of 13 characters or more a view into the text it was cut
 * from, so one Salesforce Id kept by the plan kept its whole Bulk API page alive (at 10k/50k about 15 MB of
 * CSV text outlived the read, held by the Ids, emails and names in the changes and warnings).
 */
const own = (field: string): string => (field.length < 13 ? field : (JSON.parse(JSON.stringify(field)) as string));

/** Parses CSV text into rows of fields. A trailing line ending does not produce an empty row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  const n = text.length;
  let quoted = false;
  let fieldStarted = false;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (quoted) {
      if (ch === 34 /* " */) {
        if (i + 1 < n && text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      // copy a run of ordinary characters at once
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) j += 1;
      field += text.slice(i, j);
      i = j;
      continue;
    }
    if (ch === 34 && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (ch === 44 /* , */) {
      row.push(own(field));
      field = '';
      fieldStarted = false;
      i += 1;
      continue;
    }
    if (ch === 10 /* \n */ || ch === 13 /* \r */) {
      row.push(own(field));
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += ch === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      continue;
    }
    fieldStarted = true;
    let j = i + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 44 || c === 10 || c === 13) break;
      j += 1;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (fieldStarted || field !== '' || row.length > 0) {
    row.push(own(field));
    rows.push(row);
  }
  return rows;
}
