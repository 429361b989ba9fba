/** The operations settings are validated at start-up with clear bilingual errors. */
import { describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { otlpTracesUrl, parseOtlpHeaders } from '../../src/ops/otel-env';

const base = { CHATBOT_JWT_SECRET: 'k'.repeat(40), CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]) };

describe('operations settings', () => {
  it('reads the metrics token, OTLP endpoint and headers, and backup passphrase', () => {
    const config = loadConfig({
      ...base,
      CHATBOT_METRICS_TOKEN: 'a-metrics-token-123',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D,tenant=ops',
      CHATBOT_BACKUP_PASSPHRASE: 'twelve chars+',
    });
    expect(config.metricsToken).toBe('a-metrics-token-123');
    expect(config.otlpTracesUrl).toBe('http://collector:4318/v1/traces');
    expect(config.otlpHeaders).toEqual({ 'x-api-key': 'abc=', tenant: 'ops' });
    expect(config.backupPassphrase).toBe('twelve chars+');
    expect(loadConfig(base).otlpTracesUrl).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://x/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://y' })).toBe('https://x/traces');
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });

  it('refuses weak or malformed values, naming each variable in both languages', () => {
    let error: unknown;
    try {
      loadConfig({ ...base, CHATBOT_METRICS_TOKEN: 'short', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', CHATBOT_BACKUP_PASSPHRASE: 'abc' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ status: 400 });
    const { message, messageVi } = error as { message: string; messageVi: string };
    for (const variable of ['CHATBOT_METRICS_TOKEN', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'CHATBOT_BACKUP_PASSPHRASE']) {
      expect(message).toContain(variable);
      expect(messageVi).toContain(variable);
    }
  });
});
