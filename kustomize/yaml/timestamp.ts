/**
 * go-yaml reads an unquoted `2001-12-14` or `2001-12-14T21:59:43.10-05:00` as a time, and kustomize's JSON round
 * trip prints it back in Go's RFC 3339 (nanosecond) form: `2001-12-14T00:00:00Z`, `2001-12-14T21:59:43.1-05:00`.
 * This module recognizes the same formats (go-yaml's allowedTimestampFormats) and returns that printed form.
 */

const PATTERN =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?))?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The RFC 3339 text of a YAML timestamp, or undefined when `text` is not one go-yaml accepts. */
export function parseYamlTimestamp(text: string): string | undefined {
  // Every timestamp starts `YYYY-`: most texts are refused here, without running the pattern.
  if (text.length < 8 || text.charCodeAt(4) !== 45) return undefined;
  const m = PATTERN.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const hasT = m[4] !== undefined;
  const hour = Number(hasT ? m[5] : (m[10] ?? 0));
  const minute = Number(hasT ? m[6] : (m[11] ?? 0));
  const second = Number(hasT ? m[7] : (m[12] ?? 0));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = ((hasT ? m[8] : m[13]) ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = hasT ? (m[9] ?? 'Z') : 'Z';
  const offset = zone === 'Z' || zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
  if (offset !== 'Z') {
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(4, 6));
    if (hours > 23 || minutes > 59) return undefined;
  }
  const date = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  const time = `${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fraction === '' ? '' : `.${fraction}`}`;
  return `${date}T${time}${offset}`;
}
