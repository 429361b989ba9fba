-- Platform-level settings the platform admin edits at runtime (not tenant data): today the
-- platform LLM account (`name = 'llm'`). Secrets are AES-256-GCM envelopes from the keyring
-- (`ciphertext`, bound to the row's name); `hint` is the masked key. `version` comes from one
-- sequence, so every write (and a re-create after a delete) gets a new number that processes
-- compare against their cached copy.
--
-- Not tenant-scoped, and not for the runtime role: chatbot_app gets no privilege on it (the
-- default privileges of 0002 are revoked), so only platform transactions (owner role,
-- app.platform = 'on') can read or write it.
CREATE SEQUENCE IF NOT EXISTS platform_settings_version_seq;

CREATE TABLE IF NOT EXISTS platform_settings (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  value jsonb NOT NULL DEFAULT '{}'::jsonb,
  ciphertext text,
  key_id text,
  hint text,
  version bigint NOT NULL DEFAULT nextval('platform_settings_version_seq'),
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON platform_settings FROM chatbot_app;
REVOKE ALL ON SEQUENCE platform_settings_version_seq FROM chatbot_app;
