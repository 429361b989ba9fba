-- Support tickets (issue 7): a tenant's people open a ticket from the dashboard, platform admins
-- list, reply to and close them. Both tables are tenant tables: tenant_id leads the keys, RLS is
-- forced with the one tenant_isolation policy (ADR 0001), so a tenant transaction sees only its own
-- tickets; the admin console reads across tenants in platform scope only.

CREATE TABLE IF NOT EXISTS support_tickets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
  -- open: waiting for the platform; answered: the platform replied; closed: done (a new tenant
  -- message reopens it).
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
CREATE INDEX IF NOT EXISTS support_tickets_tenant_idx ON support_tickets (tenant_id, updated_at DESC);
CREATE INDEX IF NOT EXISTS support_tickets_status_idx ON support_tickets (status, updated_at DESC);
SELECT app.enable_tenant_rls('support_tickets'::regclass);

CREATE TABLE IF NOT EXISTS support_ticket_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  ticket_id uuid NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
  author_kind text NOT NULL CHECK (author_kind IN ('tenant', 'platform')),
  author_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS support_ticket_messages_ticket_idx ON support_ticket_messages (tenant_id, ticket_id, created_at);
SELECT app.enable_tenant_rls('support_ticket_messages'::regclass);

GRANT SELECT, INSERT, UPDATE, DELETE ON support_tickets, support_ticket_messages TO chatbot_app;
