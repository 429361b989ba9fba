/**
 * Access tokens (short-lived HS256 JWTs via jose) and opaque one-time tokens (refresh, reset,
 * invitation, API key), which are stored only as SHA-256 hashes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AuthenticationError } from '@agent-chatbot/core';
import { tenantRoles, type TenantRole } from './caller';

/** What an access token says about its holder. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Tenant the token acts for (null: a platform admin outside any tenant). */
  tid: string | null;
  role: TenantRole | null;
  /** Platform admin. */
  pa: boolean;
  /** Refresh-token family (session) the token belongs to. */
  sid: string;
  jti: string;
  exp: number;
}

const claimsSchema = z.object({
  sub: z.string().uuid(),
  tid: z.string().uuid().nullable(),
  role: z.enum(tenantRoles).nullable(),
  pa: z.boolean(),
  sid: z.string().uuid(),
  jti: z.string().min(1),
  exp: z.number().int(),
});

/** Settings for {@link createTokenService}. */
export interface TokenServiceOptions {
  /** HMAC key, at least 32 bytes. */
  secret: string | Uint8Array;
  accessTtlSeconds: number;
  issuer?: string;
}

/** Signs and verifies access tokens. */
export interface TokenService {
  readonly accessTtlSeconds: number;
  sign(claims: Omit<AccessClaims, 'jti' | 'exp'>): Promise<{ token: string; jti: string; expiresIn: number }>;
  /** Verifies signature, algorithm, issuer, audience and expiry; throws a 401 otherwise. */
  verify(token: string): Promise<AccessClaims>;
}

const audience = 'agent-chatbot-api';

/**
 * Creates the access-token service.
 *
 * @example
 * const tokens = createTokenService({ secret: config.jwtSecret, accessTtlSeconds: 900 });
 * const { token } = await tokens.sign({ sub, tid, role, pa: false, sid });
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  if (key.byteLength < 32) throw new Error('JWT secret must be at least 32 bytes');
  const issuer = options.issuer ?? 'agent-chatbot';
  // Tokens already verified, until they expire: the HMAC check (WebCrypto, a thread-pool job) was
  // about half a millisecond of every authenticated request. The key is the whole token, so only
  // the very token whose signature was checked can hit; revocation is checked per request elsewhere.
  const verified = new Map<string, AccessClaims>();
  return {
    accessTtlSeconds: options.accessTtlSeconds,
    async sign(claims) {
      const jti = randomUUID();
      const token = await new SignJWT({ tid: claims.tid, role: claims.role, pa: claims.pa, sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setJti(jti)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${options.accessTtlSeconds}s`)
        .sign(key);
      return { token, jti, expiresIn: options.accessTtlSeconds };
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.exp > Date.now() / 1000) return known;
        verified.delete(token);
        throw tokenExpired();
      }
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer, audience });
        const parsed = claimsSchema.safeParse(payload);
        if (!parsed.success) throw invalidToken();
        if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value ?? '');
        verified.set(token, parsed.data);
        return parsed.data;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw tokenExpired();
        throw invalidToken();
      }
    },
  };
}

/** Verified tokens remembered per process (oldest dropped first). */
const MAX_VERIFIED_TOKENS = 10_000;

function tokenExpired(): AuthenticationError {
  return new AuthenticationError('Access token expired', 'Phiên đăng nhập đã hết hạn, vui lòng làm mới token', { code: 'token_expired' });
}

/** 401 for a forged, malformed or otherwise unusable token. */
export function invalidToken(): AuthenticationError {
  return new AuthenticationError('Invalid or malformed token', 'Token không hợp lệ', { code: 'invalid_token' });
}

/** A fresh opaque token: `prefix` + 32 random bytes in base64url (256 bits). */
export function randomToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256, how every opaque token is stored (high-entropy tokens need no slow hash). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
