import { createHash, createHmac } from 'node:crypto';

/**
 * Zalo `X-ZEvent-Signature`: `mac=` + hex SHA-256 of appId + raw body + timestamp + OA secret key,
 * where the timestamp is the `timestamp` field inside the JSON body (channels.md §1.4).
 */
export function signZaloWebhook(options: { appId: string; oaSecretKey: string; rawBody: string; timestamp?: string }): string {
  const timestamp = options.timestamp ?? /"timestamp"\s*:\s*"?(\d+)"?/.exec(options.rawBody)?.[1] ?? '';
  const digest = createHash('sha256')
    .update(options.appId + options.rawBody + timestamp + options.oaSecretKey, 'utf8')
    .digest('hex');
  return `mac=${digest}`;
}

/** Messenger `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256(app secret, raw body) (§2.2). */
export function signMessengerWebhook(options: { appSecret: string; rawBody: string }): string {
  return `sha256=${createHmac('sha256', options.appSecret).update(options.rawBody, 'utf8').digest('hex')}`;
}

/** LINE `x-line-signature`: standard Base64 of HMAC-SHA256(channel secret, raw body) (§4.1). */
export function signLineWebhook(options: { channelSecret: string; rawBody: string }): string {
  return createHmac('sha256', options.channelSecret).update(options.rawBody, 'utf8').digest('base64');
}

/**
 * Serialises JSON the way Meta does before signing: non-ASCII characters escaped as lowercase
 * `\uXXXX`, so signatures only match when a channel verifies the raw bytes (§2.2).
 */
export function metaJsonStringify(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
