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

DO $$
DECLARE
  watched text;
BEGIN
  FOREACH watched IN ARRAY ARRAY['users', 'sessions', 'memberships', 'tenants'] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', watched || '_rows_changed', watched);
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION app.notify_rows_changed()',
      watched || '_rows_changed', watched);
  END LOOP;
END
$$;
