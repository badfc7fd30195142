/** How GitHub can send a payload, chosen per webhook ("Content type" in its settings). */
export type PayloadFormat = 'json' | 'form';

/** A parsed payload, or why it is not one. */
export type ParsedPayload = { readonly ok: true; readonly payload: Record<string, unknown> } | { readonly ok: false; readonly message: string };

/** The payload format a `Content-Type` header stands for; undefined for anything GitHub does not send. */
export function payloadFormat(contentType: string | undefined): PayloadFormat | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/**
 * Parses a verified body: JSON as is, or the JSON in the `payload` field of a form body. Messages never quote
 * the body (V8's JSON errors do, and the body is not ours to log).
 */
export function parsePayload(body: Buffer, format: PayloadFormat): ParsedPayload {
  let text = body.toString('utf8');
  if (format === 'form') {
    const field = new URLSearchParams(text).get('payload');
    if (field === null) return { ok: false, message: 'form-encoded body has no payload field' };
    text = field;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'payload is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'payload must be a JSON object' };
  return { ok: true, payload: value as Record<string, unknown> };
}
