-- The rows behind the hot path's per-process copies (the caller's identity check: users, sessions,
-- memberships and the tenant's status; a tenant's settings and versions) announce every committed
-- change on the channel `acb_rows_changed` (payload: the table). The embedded runtime (PGlite)
-- receives its own notifications before the changing transaction's promise settles and drops
-- its copies at once; on Postgres nothing is cached and nobody needs to listen (ADR 0017).
-- A table that joins the identity check or the tenant row (auth/resolve-caller.ts,
-- bots/tenant-bot.ts) must get the same trigger, or its changes would not expire the copies.
CREATE OR REPLACE FUNCTION app.notify_rows_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('acb_rows_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS users_rows_changed ON users;
CREATE TRIGGER users_rows_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION app.notify_rows_changed();
DROP TRIGGER IF EXISTS sessions_rows_changed ON sessions;
CREATE TRIGGER sessions_rows_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION app.notify_rows_changed();
DROP TRIGGER IF EXISTS memberships_rows_changed ON memberships;
CREATE TRIGGER memberships_rows_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON memberships
  FOR EACH STATEMENT EXECUTE FUNCTION app.notify_rows_changed();
DROP TRIGGER IF EXISTS tenants_rows_changed ON tenants;
CREATE TRIGGER tenants_rows_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION app.notify_rows_changed();
