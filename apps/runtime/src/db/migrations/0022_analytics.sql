-- Analytics: conversion tracking links and their clicks (apps/runtime/src/analytics).
-- A tracked link has a short public code (/l/<code>) that records a click and redirects to the
-- tenant's target URL. Both tables are tenant tables with the usual forced row-level security.

CREATE TABLE IF NOT EXISTS tracked_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9]{6,32}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  target_url text NOT NULL CHECK (target_url ~* '^https?://' AND length(target_url) <= 2000),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS tracked_links_tenant_idx ON tracked_links (tenant_id, created_at DESC);
SELECT app.enable_tenant_rls('tracked_links'::regclass);

CREATE TABLE IF NOT EXISTS link_clicks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  link_id uuid NOT NULL,
  conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
  contact_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
  user_agent text,
  clicked_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, link_id) REFERENCES tracked_links (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS link_clicks_tenant_idx ON link_clicks (tenant_id, clicked_at DESC);
CREATE INDEX IF NOT EXISTS link_clicks_link_idx ON link_clicks (tenant_id, link_id, clicked_at DESC);
SELECT app.enable_tenant_rls('link_clicks'::regclass);

-- The one door for the public redirect: finds a link by its code before the tenant is known.
CREATE OR REPLACE FUNCTION app.tenant_for_link_code(p_code text)
RETURNS TABLE (tenant_id uuid, link_id uuid, target_url text, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT l.tenant_id, l.id, l.target_url, t.status FROM tracked_links l JOIN tenants t ON t.id = l.tenant_id
  WHERE l.code = p_code
$$;
REVOKE ALL ON FUNCTION app.tenant_for_link_code(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.tenant_for_link_code(text) TO chatbot_app;
