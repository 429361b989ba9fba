import { describe, expect, it } from 'vitest';
import {
  readPlatformEmbeddingConfig,
  resolveEmbedding,
  tenantEmbeddingSettingsOf,
  type PlatformEmbeddingConfig,
} from '../../src/knowledge/embedding-settings';
import { readKnowledgeSettings } from '../../src/knowledge/settings';

const platform: PlatformEmbeddingConfig = { provider: 'openai', model: 'text-embedding-3-small', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-platform' };
const settings = (value: unknown) => tenantEmbeddingSettingsOf({ embedding: value });

describe('platform embedding configuration (CHATBOT_EMBEDDING_*)', () => {
  it('is off unless a provider is set, and an OpenAI provider needs a key', () => {
    expect(readPlatformEmbeddingConfig({})).toBeUndefined();
    expect(readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'openai' })).toBeUndefined();
    expect(readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'openai', CHATBOT_EMBEDDING_API_KEY: 'sk-e' })).toEqual({
      provider: 'openai', model: 'text-embedding-3-small', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-e',
    });
  });

  it('reuses the platform OpenAI LLM key, not an Anthropic one; Ollama needs no key', () => {
    expect(readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'openai', CHATBOT_PLATFORM_LLM_API_KEY: 'sk-llm' })?.apiKey).toBe('sk-llm');
    expect(readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'openai', CHATBOT_PLATFORM_LLM_PROVIDER: 'anthropic', CHATBOT_PLATFORM_LLM_API_KEY: 'sk-ant' })).toBeUndefined();
    // A key for another OpenAI-compatible server (its base URL set) is that server's alone.
    const gateway = { CHATBOT_EMBEDDING_PROVIDER: 'openai', CHATBOT_PLATFORM_LLM_API_KEY: 'gsk-groq', CHATBOT_PLATFORM_LLM_BASE_URL: 'https://api.groq.com/openai/v1' };
    expect(readPlatformEmbeddingConfig(gateway)).toBeUndefined();
    expect(readPlatformEmbeddingConfig({ ...gateway, CHATBOT_PLATFORM_LLM_BASE_URL: 'https://API.openai.com/v1/' })?.apiKey).toBe('gsk-groq');
    expect(readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'openai', CHATBOT_PLATFORM_LLM_API_KEY: 'sk-llm', CHATBOT_EMBEDDING_BASE_URL: 'http://10.0.0.9:8000/v1' })).toBeUndefined();
    expect(readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'ollama', CHATBOT_EMBEDDING_DIMENSIONS: '1024' })).toEqual({
      provider: 'ollama', model: 'bge-m3', baseUrl: 'http://127.0.0.1:11434/v1', dimensions: 1024,
    });
  });

  it('rejects bad values with a bilingual error naming the variable', () => {
    expect(() => readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'cohere' })).toThrow(/CHATBOT_EMBEDDING_PROVIDER/);
    expect(() => readPlatformEmbeddingConfig({ CHATBOT_EMBEDDING_PROVIDER: 'ollama', CHATBOT_EMBEDDING_BASE_URL: 'not a url' })).toThrow(
      expect.objectContaining({ messageVi: expect.stringContaining('CHATBOT_EMBEDDING_BASE_URL') }),
    );
    expect(() => readKnowledgeSettings({ CHATBOT_VECTOR_INDEX_MIN_ROWS: '10' })).toThrow(/CHATBOT_VECTOR_INDEX_MIN_ROWS/);
    expect(readKnowledgeSettings({ CHATBOT_VECTOR_INDEX_MIN_ROWS: '5000' }).vectorIndexMinRows).toBe(5000);
  });
});

describe('which model a tenant uses (key modes as for the LLM)', () => {
  it('own_then_platform (default): own key → own model; no own key → the platform model, billed', () => {
    expect(resolveEmbedding(settings({}), undefined, platform)).toMatchObject({ keySource: 'platform', model: 'text-embedding-3-small', apiKey: 'sk-platform' });
    expect(resolveEmbedding(settings({ model: 'text-embedding-3-large', dimensions: 256 }), 'sk-own', platform)).toMatchObject({
      keySource: 'own', apiKey: 'sk-own', model: 'text-embedding-3-large', dimensions: 256, baseUrl: 'https://api.openai.com/v1',
    });
  });

  it('own: no own key → keyword search only, never the platform key', () => {
    expect(resolveEmbedding(settings({ key_mode: 'own' }), undefined, platform)).toBeUndefined();
    expect(resolveEmbedding(settings({ key_mode: 'own' }), 'sk-own', platform)).toMatchObject({ keySource: 'own' });
  });

  it('platform: the platform model even when the tenant has a key and its own model set', () => {
    expect(resolveEmbedding(settings({ key_mode: 'platform', model: 'mine' }), 'sk-own', platform)).toMatchObject({ keySource: 'platform', model: 'text-embedding-3-small' });
    expect(resolveEmbedding(settings({ key_mode: 'platform' }), 'sk-own', undefined)).toBeUndefined();
  });

  it("a tenant's keyless Ollama server counts as its own; disabled means none at all", () => {
    expect(resolveEmbedding(settings({ provider: 'ollama', base_url: 'http://10.0.0.5:11434/v1', key_mode: 'own' }), undefined, platform)).toMatchObject({
      provider: 'ollama', model: 'bge-m3', baseUrl: 'http://10.0.0.5:11434/v1', keySource: 'own',
    });
    expect(resolveEmbedding(settings({ enabled: false }), 'sk-own', platform)).toBeUndefined();
    // An OpenAI key does not make the platform's Ollama server the tenant's own (unbilled).
    const ollamaPlatform: PlatformEmbeddingConfig = { provider: 'ollama', model: 'bge-m3', baseUrl: 'http://ollama:11434/v1' };
    expect(resolveEmbedding(settings({}), 'sk-own-openai', ollamaPlatform)).toMatchObject({ keySource: 'platform', baseUrl: 'http://ollama:11434/v1' });
  });

  it("the tenant's OpenAI LLM key serves embeddings at OpenAI's API only, after its own embedding key", () => {
    const withPlatformProxy: PlatformEmbeddingConfig = { ...platform, baseUrl: 'https://proxy.platform.example/v1' };
    expect(resolveEmbedding(settings({}), undefined, withPlatformProxy, 'sk-llm')).toMatchObject({ keySource: 'own', apiKey: 'sk-llm', baseUrl: 'https://api.openai.com/v1' });
    expect(resolveEmbedding(settings({}), 'sk-embed', platform, 'sk-llm')).toMatchObject({ apiKey: 'sk-embed' });
    // The tenant pointed embeddings at another server: the LLM key is not sent there.
    expect(resolveEmbedding(settings({ base_url: 'http://10.0.0.9:8000/v1' }), undefined, platform, 'sk-llm')).toMatchObject({ keySource: 'platform', apiKey: 'sk-platform' });
    expect(resolveEmbedding(settings({ key_mode: 'platform' }), undefined, platform, 'sk-llm')).toMatchObject({ keySource: 'platform' });
  });

  it('a damaged stored value falls back to the defaults', () => {
    expect(tenantEmbeddingSettingsOf({ embedding: { provider: 'nope', key_mode: 42 } })).toEqual({ enabled: true, key_mode: 'own_then_platform' });
  });
});
