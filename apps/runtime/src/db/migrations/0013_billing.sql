-- @agent-chatbot/billing tables (copy as a runtime migration after 0001_init.sql and 0002_rls.sql).
-- Money is integer VND (bigint). Every tenant table gets row-level security through
-- app.enable_tenant_rls. Re-running this script is safe (IF NOT EXISTS / OR REPLACE).

-- Per-tenant billing settings; also the row the meter locks (via billing_cycle_usage) per cycle.
CREATE TABLE IF NOT EXISTS billing_accounts (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  -- Plan override; NULL = follow tenants.plan (the runtime's column).
  plan_id text,
  -- Monthly hard cap on platform-key spend; NULL = the platform default.
  monthly_cap_vnd bigint CHECK (monthly_cap_vnd IS NULL OR monthly_cap_vnd >= 0),
  -- When set, the bot answers FAQ-only (cost spike or admin) until an admin lifts it.
  faq_only_reason text CHECK (faq_only_reason IS NULL OR faq_only_reason IN ('cost_spike', 'admin')),
  faq_only_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT app.enable_tenant_rls('billing_accounts'::regclass);

-- The budget row: spent and reserved platform-key VND per tenant and cycle ('YYYY-MM', Vietnam
-- time). authorize/record/release take its row lock (SELECT … FOR UPDATE), so concurrent
-- reservations are serialised per tenant and can never pass the cap.
CREATE TABLE IF NOT EXISTS billing_cycle_usage (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  cycle text NOT NULL CHECK (cycle ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  spent_vnd bigint NOT NULL DEFAULT 0 CHECK (spent_vnd >= 0),
  reserved_vnd bigint NOT NULL DEFAULT 0 CHECK (reserved_vnd >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, cycle)
);
SELECT app.enable_tenant_rls('billing_cycle_usage'::regclass);

-- One row per MeterV1 authorization; idempotent on (tenant_id, idempotency_key).
CREATE TABLE IF NOT EXISTS billing_reservations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  cycle text NOT NULL,
  idempotency_key text NOT NULL,
  reserved_vnd bigint NOT NULL CHECK (reserved_vnd >= 0),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'settled', 'released')),
  settled_vnd bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS billing_reservations_open_idx ON billing_reservations (tenant_id, created_at) WHERE status = 'open';
SELECT app.enable_tenant_rls('billing_reservations'::regclass);

-- Cached wallet balance, maintained ONLY by the trigger below from ledger_entries inserts (the
-- ledger stays the source of truth; a test checks SUM(ledger) = balance).
CREATE TABLE IF NOT EXISTS billing_wallets (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  balance_vnd bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT app.enable_tenant_rls('billing_wallets'::regclass);

CREATE OR REPLACE FUNCTION app.billing_ledger_to_wallet() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO billing_wallets (tenant_id, balance_vnd) VALUES (NEW.tenant_id, NEW.amount_vnd)
  ON CONFLICT (tenant_id) DO UPDATE SET balance_vnd = billing_wallets.balance_vnd + EXCLUDED.balance_vnd, updated_at = now();
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS ledger_entries_wallet ON ledger_entries;
CREATE TRIGGER ledger_entries_wallet AFTER INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION app.billing_ledger_to_wallet();

-- The ledger is append-only: corrections are new 'adjustment' or 'refund' entries. Only platform
-- scope may delete (tenant deletion cascades).
CREATE OR REPLACE FUNCTION app.billing_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND app.is_platform() THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'ledger_entries is append-only' USING ERRCODE = 'check_violation';
END $$;
DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION app.billing_ledger_append_only();

-- Alerts (budget 80 %/100 %, cost spikes), each once per dedupe key (e.g. 'budget:2026-11:80').
CREATE TABLE IF NOT EXISTS billing_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('budget', 'cost_spike')),
  dedupe_key text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX IF NOT EXISTS billing_alerts_tenant_idx ON billing_alerts (tenant_id, created_at DESC);
SELECT app.enable_tenant_rls('billing_alerts'::regclass);

CREATE SEQUENCE IF NOT EXISTS billing_invoice_number_seq;

-- Monthly invoices: one per tenant and cycle (the unique key makes the job idempotent).
CREATE TABLE IF NOT EXISTS billing_invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  cycle text NOT NULL,
  number text NOT NULL UNIQUE,
  plan_id text NOT NULL,
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'paid', 'void')),
  total_vnd bigint NOT NULL CHECK (total_vnd >= 0),
  lines jsonb NOT NULL,
  meters jsonb NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, cycle)
);
SELECT app.enable_tenant_rls('billing_invoices'::regclass);

-- Payment orders (top-ups) across gateways; order_ref is what the gateway echoes back (VietQR
-- memo, vnp_TxnRef, MoMo orderId, Stripe client_reference_id).
CREATE TABLE IF NOT EXISTS billing_payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  method text NOT NULL CHECK (method IN ('vietqr', 'vnpay', 'momo', 'stripe')),
  order_ref text NOT NULL,
  amount_vnd bigint NOT NULL CHECK (amount_vnd > 0),
  currency text NOT NULL DEFAULT 'VND',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider_ref text,
  confirmed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  UNIQUE (method, order_ref)
);
CREATE INDEX IF NOT EXISTS billing_payments_tenant_idx ON billing_payments (tenant_id, created_at DESC);
SELECT app.enable_tenant_rls('billing_payments'::regclass);

GRANT SELECT, INSERT, UPDATE, DELETE ON billing_accounts, billing_cycle_usage, billing_reservations, billing_wallets,
  billing_alerts, billing_invoices, billing_payments TO chatbot_app;
GRANT USAGE, SELECT ON SEQUENCE billing_invoice_number_seq TO chatbot_app;
GRANT EXECUTE ON FUNCTION app.billing_ledger_to_wallet(), app.billing_ledger_append_only() TO chatbot_app;
