import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a visitor token proves: which widget, which conversation, which visitor (and verified user). */
export interface VisitorClaims {
  /** The widget's public key (the tenant's web connection). */
  readonly publicKey: string;
  /** The conversation reference inside that widget. */
  readonly conversation: string;
  /** A random id for this browser. */
  readonly visitorId: string;
  /** The site's user id, present only when identity verification succeeded. */
  readonly userId?: string;
  /** Issued at (ms since epoch). */
  readonly issuedAt: number;
}

const claimsSchema = z.object({
  k: z.string().min(1).max(100),
  c: z.string().min(1).max(100),
  v: z.string().min(1).max(100),
  u: z.string().min(1).max(200).optional(),
  t: z.number().int().nonnegative(),
});

const b64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`acb-visitor.${payload}`).digest();
}

/** A random URL-safe id (conversation refs, visitor ids). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Signs visitor claims as `<base64url JSON>.<base64url HMAC-SHA256>`: verifiable by any replica with
 * the same secret, no database read needed.
 */
export function signVisitorToken(claims: VisitorClaims, secret: string): string {
  const payload = b64url(
    JSON.stringify({ k: claims.publicKey, c: claims.conversation, v: claims.visitorId, ...(claims.userId ? { u: claims.userId } : {}), t: claims.issuedAt }),
  );
  return `${payload}.${b64url(mac(secret, payload))}`;
}

/**
 * Verifies a visitor token in constant time and returns its claims, or `null` when it is missing,
 * forged, malformed or older than `maxAgeMs`.
 */
export function verifyVisitorToken(token: string | null | undefined, secret: string, options: { maxAgeMs?: number; now?: number } = {}): VisitorClaims | null {
  if (!token || token.length > 2000) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const result = claimsSchema.safeParse(parsed);
  if (!result.success) return null;
  const { k, c, v, u, t } = result.data;
  const now = options.now ?? Date.now();
  if (options.maxAgeMs !== undefined && now - t > options.maxAgeMs) return null;
  return { publicKey: k, conversation: c, visitorId: v, ...(u ? { userId: u } : {}), issuedAt: t };
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}
