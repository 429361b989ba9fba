import { pino, type Logger, type LoggerOptions } from 'pino';

/** Field names whose values never reach a log line, at any of the first three levels. */
export const SECRET_FIELDS = [
  'password', 'newPassword', 'new_password', 'currentPassword', 'passwordHash', 'password_hash',
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'idToken',
  'apiKey', 'api_key', 'key', 'secret', 'secrets', 'value', 'clientSecret', 'client_secret', 'appSecret', 'app_secret',
  'authorization', 'Authorization', 'cookie', 'set-cookie', 'x-api-key', 'credentials', 'ciphertext',
  'jwtSecret', 'secretKeys', 'webhookSecret', 'webhook_secret', 'verifyToken', 'verify_token',
] as const;

// Values that look like credentials even under an innocent key (a message body, an error text).
const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{12,}/g, // OpenAI-style keys
  /\bsk-ant-[A-Za-z0-9_-]{12,}/g,
  /\bacb_[A-Za-z0-9_-]{16,}/g, // agent-chatbot API keys
  /\bv1:[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+/g, // our envelopes
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b[Bb]earer\s+[A-Za-z0-9._~+/-]{8,}=*/g,
];

/** Replaces credential-looking substrings with `[REDACTED]`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_VALUE_PATTERNS) out = out.replace(pattern, '[REDACTED]');
  return out;
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SECRET_FIELDS) {
    const safe = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    const join = (prefix: string) => (safe.startsWith('[') ? `${prefix}${safe}` : `${prefix}.${safe}`);
    paths.push(safe.startsWith('[') ? `*${safe}` : safe, join('*'), join('*.*'));
  }
  return paths;
}

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  level?: LoggerOptions['level'];
  name?: string;
  /** Where lines go (default stdout); tests pass a stream to inspect them. */
  destination?: pino.DestinationStream;
}

/**
 * A pino JSON logger that redacts secrets twice: by field name ({@link SECRET_FIELDS}, up to three
 * levels deep) and by value shape (API keys, JWTs, bearer tokens, our ciphertext envelopes) in
 * every string, including the message.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'agent-chatbot',
      redact: { paths: redactPaths(), censor: '[REDACTED]' },
      formatters: { log: (object) => scrubDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (error: unknown) => scrubDeep(pino.stdSerializers.err(error as Error)),
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
