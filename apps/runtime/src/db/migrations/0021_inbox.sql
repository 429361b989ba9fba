-- The live inbox (src/inbox): per-agent read state, the tenant's inbox event log (realtime stream
-- with Last-Event-ID resume) and the columns the handoff needs on conversations.
-- Re-running this script is safe (IF NOT EXISTS / OR REPLACE).

-- Last time a person did something in the conversation (take over, reply, note, assign): the idle
-- return job hands a human-mode conversation back to the bot when this is too old.
ALTER TABLE conversations ADD COLUMN IF NOT EXISTS agent_activity_at timestamptz;
-- When agents were last notified that the conversation needs a person (at most one mail per burst).
ALTER TABLE conversations ADD COLUMN IF NOT EXISTS handoff_notified_at timestamptz;
CREATE INDEX IF NOT EXISTS conversations_human_idle_idx ON conversations (tenant_id, mode, agent_activity_at) WHERE mode = 'human';

-- How far each agent has read each conversation ("unread for me").
CREATE TABLE IF NOT EXISTS conversation_reads (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  last_read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversation_id, user_id)
);
CREATE INDEX IF NOT EXISTS conversation_reads_user_idx ON conversation_reads (tenant_id, user_id);
SELECT app.enable_tenant_rls('conversation_reads'::regclass);

-- Inbox events in commit order (new message, mode change, assignment, note, read). Written in the
-- transaction of the change, published on pub/sub after commit; the SSE stream replays from here
-- after a reconnect (Last-Event-ID). Kept for a day.
CREATE TABLE IF NOT EXISTS inbox_events (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid,
  type text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS inbox_events_tenant_idx ON inbox_events (tenant_id, id);
CREATE INDEX IF NOT EXISTS inbox_events_created_idx ON inbox_events (created_at);
SELECT app.enable_tenant_rls('inbox_events'::regclass);

GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_reads, inbox_events TO chatbot_app;
GRANT USAGE, SELECT ON SEQUENCE inbox_events_id_seq TO chatbot_app;
