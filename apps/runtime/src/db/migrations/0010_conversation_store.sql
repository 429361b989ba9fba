-- The answering engine's conversation store (src/conversations/pg-conversation-store.ts).
-- Customers met outside a channel connection (public API, test chat, CLI) have no connection row:
-- their identities and conversations are keyed by channel instead.
ALTER TABLE contact_identities ALTER COLUMN connection_id DROP NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS contact_identities_channel_key
  ON contact_identities (tenant_id, channel, external_user_id) WHERE connection_id IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS conversations_channel_external_key
  ON conversations (tenant_id, channel, external_conversation_id)
  WHERE connection_id IS NULL AND external_conversation_id IS NOT NULL;
-- Stored message count: the engine refreshes the running summary from it on every turn.
ALTER TABLE conversations ADD COLUMN IF NOT EXISTS message_count integer NOT NULL DEFAULT 0;
