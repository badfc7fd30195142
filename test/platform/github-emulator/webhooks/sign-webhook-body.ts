import { createHmac } from 'node:crypto';

/** The two signature headers GitHub sends, ready to use as header values. */
export interface WebhookSignatures {
  /** `X-Hub-Signature-256`: `sha256=<hex HMAC-SHA256 of the raw body>`. */
  readonly sha256: string;
  /** `X-Hub-Signature`: `sha1=<hex HMAC-SHA1 of the raw body>`, the legacy header GitHub still sends. */
  readonly sha1: string;
}

/** Signs a raw webhook body exactly as GitHub does: an HMAC of the bytes sent, keyed by the hook's secret. */
export function signWebhookBody(secret: string, body: string | Buffer): WebhookSignatures {
  return {
    sha256: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    sha1: `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}
