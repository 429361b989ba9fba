-- Row-level security (ARCHITECTURE §6).
-- The runtime acts as the role chatbot_app (NOLOGIN, NOBYPASSRLS, owns nothing), assumed with
-- SET LOCAL ROLE in every transaction, with the tenant set by set_config('app.tenant_id', id, true).
-- Migrations and platform-admin work run as the connecting (owner) role with app.platform = 'on'.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chatbot_app') THEN
    CREATE ROLE chatbot_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

-- The connecting role must be able to SET ROLE chatbot_app (a no-op for superusers).
DO $$
BEGIN
  EXECUTE format('GRANT chatbot_app TO %I', current_user);
EXCEPTION WHEN others THEN
  RAISE NOTICE 'could not grant chatbot_app to %: %', current_user, SQLERRM;
END $$;

GRANT USAGE ON SCHEMA public, app TO chatbot_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO chatbot_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO chatbot_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO chatbot_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO chatbot_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO chatbot_app;

-- Enables and forces RLS on a tenant table, with the one policy every tenant table has.
-- Every later migration that adds a tenant table calls it; a test fails on a table that lacks it.
CREATE OR REPLACE FUNCTION app.enable_tenant_rls(target regclass, column_name text DEFAULT 'tenant_id')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', target);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s USING (%I = app.current_tenant() OR app.is_platform()) '
    'WITH CHECK (%I = app.current_tenant() OR app.is_platform())',
    target, column_name, column_name);
END $$;

SELECT app.enable_tenant_rls(c.oid::regclass)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped);

SELECT app.enable_tenant_rls('tenants'::regclass, 'id');

-- The one door: the few lookups that must find a tenant before one is known. Each is SECURITY
-- DEFINER with platform scope for its own duration, returns only the ids needed, and is the only
-- way the runtime role reaches across tenants.
CREATE OR REPLACE FUNCTION app.tenant_for_api_key(p_key_hash text)
RETURNS TABLE (tenant_id uuid, api_key_id uuid, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT k.tenant_id, k.id, t.status FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
  WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
$$;

CREATE OR REPLACE FUNCTION app.tenant_for_connection(p_connection_id uuid, p_type text)
RETURNS TABLE (tenant_id uuid, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT c.tenant_id, t.status FROM channel_connections c JOIN tenants t ON t.id = c.tenant_id
  WHERE c.id = p_connection_id AND c.type = p_type AND c.status <> 'disabled'
$$;

CREATE OR REPLACE FUNCTION app.tenant_for_public_key(p_public_key text)
RETURNS TABLE (tenant_id uuid, connection_id uuid, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT c.tenant_id, c.id, t.status FROM channel_connections c JOIN tenants t ON t.id = c.tenant_id
  WHERE c.public_key = p_public_key AND c.status <> 'disabled'
$$;

CREATE OR REPLACE FUNCTION app.user_memberships(p_user_id uuid)
RETURNS TABLE (tenant_id uuid, role text, tenant_slug text, tenant_name text, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT m.tenant_id, m.role, t.slug, t.name, t.status FROM memberships m JOIN tenants t ON t.id = m.tenant_id
  WHERE m.user_id = p_user_id ORDER BY m.created_at
$$;

CREATE OR REPLACE FUNCTION app.tenant_for_invitation(p_token_hash text)
RETURNS TABLE (invitation_id uuid, tenant_id uuid, email text, role text, expires_at timestamptz, accepted_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT i.id, i.tenant_id, i.email, i.role, i.expires_at, i.accepted_at FROM invitations i
  WHERE i.token_hash = p_token_hash
$$;

REVOKE ALL ON FUNCTION app.tenant_for_api_key(text), app.tenant_for_connection(uuid, text),
  app.tenant_for_public_key(text), app.user_memberships(uuid), app.tenant_for_invitation(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.tenant_for_api_key(text), app.tenant_for_connection(uuid, text),
  app.tenant_for_public_key(text), app.user_memberships(uuid), app.tenant_for_invitation(text) TO chatbot_app;
