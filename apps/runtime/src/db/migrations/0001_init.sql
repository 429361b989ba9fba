-- agent-chatbot data model, version 1.
-- Conventions: every tenant table has tenant_id leading its keys and hot indexes, and row-level
-- security FORCED with the policy `tenant_isolation` (see 0002_rls.sql). Money is integer VND.
-- Secrets are stored only as AES-256-GCM envelopes (text "v1:<key id>:<iv>:<tag>:<ciphertext>").

CREATE SCHEMA IF NOT EXISTS app;

-- The tenant the current transaction acts for (set with set_config('app.tenant_id', id, true)).
CREATE OR REPLACE FUNCTION app.current_tenant() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Platform scope: only for the owner/migration role (never the runtime role chatbot_app), and only
-- when the transaction asked for it explicitly.
CREATE OR REPLACE FUNCTION app.is_platform() RETURNS boolean
  LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('app.platform', true), '') = 'on' AND current_user <> 'chatbot_app'
  $$;

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  plan text NOT NULL DEFAULT 'free',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  knowledge_version integer NOT NULL DEFAULT 1,
  config_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- People who sign in. Global (a person may belong to several tenants through memberships).
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  password_hash text NOT NULL,
  name text,
  is_platform_admin boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('tenant-admin', 'tenant-agent')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('tenant-admin', 'tenant-agent')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_tenant_idx ON invitations (tenant_id, created_at DESC);

-- Refresh-token sessions: rotating, single-use tokens in families; reuse of a rotated token revokes
-- the whole family. Global like users.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  active_tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
  family_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  user_agent text,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_family_idx ON sessions (family_id);

CREATE TABLE password_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Public API keys: shown once, stored as a SHA-256 hash; `prefix` is the visible start.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC);

-- Encrypted tenant secrets (LLM keys, widget identity secret…): write-only through the API.
CREATE TABLE tenant_secrets (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL,
  ciphertext text NOT NULL,
  key_id text NOT NULL,
  hint text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE channel_connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('zalo', 'messenger', 'telegram', 'line', 'web')),
  name text NOT NULL DEFAULT '',
  external_account_id text,
  credentials_ciphertext text,
  key_id text,
  webhook_secret_ciphertext text,
  verify_token text,
  public_key text UNIQUE,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'error')),
  last_event_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  token_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX channel_connections_tenant_idx ON channel_connections (tenant_id, type);
CREATE UNIQUE INDEX channel_connections_account_key ON channel_connections (type, external_account_id)
  WHERE external_account_id IS NOT NULL AND status <> 'disabled';

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text,
  phone text,
  email text,
  tags text[] NOT NULL DEFAULT '{}',
  notes text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX contacts_tenant_idx ON contacts (tenant_id, created_at DESC);

-- One row per (channel connection, provider user id): how a contact is known on each channel.
CREATE TABLE contact_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES channel_connections (id) ON DELETE CASCADE,
  channel text NOT NULL,
  external_user_id text NOT NULL,
  display_name text,
  last_inbound_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, connection_id, external_user_id)
);
CREATE INDEX contact_identities_contact_idx ON contact_identities (tenant_id, contact_id);

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  contact_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
  connection_id uuid REFERENCES channel_connections (id) ON DELETE SET NULL,
  channel text NOT NULL,
  external_conversation_id text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  mode text NOT NULL DEFAULT 'bot' CHECK (mode IN ('bot', 'human', 'closed')),
  assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
  needs_human boolean NOT NULL DEFAULT false,
  consecutive_fallbacks integer NOT NULL DEFAULT 0,
  summary text,
  summary_message_count integer NOT NULL DEFAULT 0,
  last_message_at timestamptz,
  last_customer_message_at timestamptz,
  human_since timestamptz,
  unread_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX conversations_external_key ON conversations (tenant_id, connection_id, external_conversation_id)
  WHERE external_conversation_id IS NOT NULL;
CREATE INDEX conversations_recent_idx ON conversations (tenant_id, last_message_at DESC NULLS LAST);
CREATE INDEX conversations_inbox_idx ON conversations (tenant_id, mode, needs_human, last_message_at DESC);
CREATE INDEX conversations_assignee_idx ON conversations (tenant_id, assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('customer', 'bot', 'agent', 'system', 'note')),
  content text NOT NULL DEFAULT '',
  attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
  author_id uuid REFERENCES users (id) ON DELETE SET NULL,
  tokens_in integer,
  tokens_out integer,
  cost_vnd bigint,
  model text,
  route text CHECK (route IS NULL OR route IN ('cache', 'faq', 'cheap', 'premium', 'no-llm', 'fallback', 'handoff', 'human')),
  route_reason text,
  key_source text CHECK (key_source IS NULL OR key_source IN ('own', 'platform')),
  sources jsonb NOT NULL DEFAULT '[]'::jsonb,
  external_id text,
  in_reply_to uuid REFERENCES messages (id) ON DELETE SET NULL,
  delivery_status text CHECK (delivery_status IS NULL OR delivery_status IN
    ('pending', 'sending', 'sent', 'delivered', 'failed', 'dead', 'window_closed', 'skipped')),
  delivery_error text,
  delivery_attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX messages_conversation_idx ON messages (tenant_id, conversation_id, created_at);
CREATE INDEX messages_created_idx ON messages (tenant_id, created_at DESC);
CREATE UNIQUE INDEX messages_external_key ON messages (tenant_id, conversation_id, external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX messages_delivery_idx ON messages (tenant_id, delivery_status)
  WHERE delivery_status IN ('failed', 'dead');

-- Uploaded knowledge: files, FAQ sets, catalogs. Chunks live in the tenant's LanceDB table.
CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'file' CHECK (kind IN ('file', 'faq', 'catalog', 'text')),
  name text NOT NULL,
  mime_type text,
  size_bytes bigint NOT NULL DEFAULT 0,
  sha256 text,
  storage_key text,
  encoding text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'ready', 'failed', 'deleting')),
  stage text,
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  error_code text,
  error_message text,
  error_message_vi text,
  chunk_count integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  live_version integer,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX documents_tenant_idx ON documents (tenant_id, created_at DESC);

CREATE TABLE faq_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  document_id uuid REFERENCES documents (id) ON DELETE CASCADE,
  question text NOT NULL,
  answer text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX faq_entries_tenant_idx ON faq_entries (tenant_id, created_at DESC);

CREATE TABLE products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  document_id uuid REFERENCES documents (id) ON DELETE CASCADE,
  sku text,
  name text NOT NULL,
  price_vnd bigint CHECK (price_vnd IS NULL OR price_vnd >= 0),
  stock integer,
  category text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX products_sku_key ON products (tenant_id, sku) WHERE sku IS NOT NULL;
CREATE INDEX products_price_idx ON products (tenant_id, price_vnd);

-- Usage facts (model calls, embeddings, chats); idempotent on id.
CREATE TABLE usage_events (
  id text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('llm', 'embedding', 'chat', 'message', 'storage')),
  provider text,
  model text,
  key_source text CHECK (key_source IS NULL OR key_source IN ('own', 'platform')),
  billable boolean NOT NULL DEFAULT false,
  tokens_in integer NOT NULL DEFAULT 0,
  tokens_out integer NOT NULL DEFAULT 0,
  quantity bigint NOT NULL DEFAULT 0,
  cost_vnd bigint NOT NULL DEFAULT 0,
  conversation_id uuid,
  message_id uuid,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_events_tenant_idx ON usage_events (tenant_id, occurred_at DESC);
CREATE INDEX usage_events_kind_idx ON usage_events (tenant_id, kind, occurred_at DESC);

-- Append-only money ledger; balances are derived from it. Positive = credit to the tenant.
CREATE TABLE ledger_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('topup', 'usage', 'refund', 'adjustment', 'subscription', 'overage', 'reservation', 'release')),
  amount_vnd bigint NOT NULL,
  currency text NOT NULL DEFAULT 'VND',
  reference text,
  idempotency_key text,
  description text,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_tenant_idx ON ledger_entries (tenant_id, created_at DESC);
CREATE UNIQUE INDEX ledger_entries_idempotency_key ON ledger_entries (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Every inbound provider event (channel webhooks, payment notifications), recorded once.
CREATE TABLE external_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  source text NOT NULL,
  external_id text NOT NULL,
  connection_id uuid,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  error text,
  UNIQUE (source, external_id)
);
CREATE INDEX external_events_tenant_idx ON external_events (tenant_id, received_at DESC);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
  actor_user_id uuid,
  actor_kind text NOT NULL DEFAULT 'user' CHECK (actor_kind IN ('user', 'api_key', 'system', 'cli')),
  action text NOT NULL,
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, created_at DESC);
