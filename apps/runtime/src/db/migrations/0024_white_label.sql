-- White-label: a tenant's subdomain (spa1.<platform domain>) and custom domain live in
-- tenants.settings.white_label; these indexes keep each one unique across tenants, and
-- app.tenant_for_host resolves a request's Host header to the tenant (the one door for it,
-- like app.tenant_for_public_key).
CREATE UNIQUE INDEX IF NOT EXISTS tenants_white_label_subdomain_uq
  ON tenants ((lower(settings->'white_label'->>'subdomain')))
  WHERE settings->'white_label'->>'subdomain' IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS tenants_white_label_domain_uq
  ON tenants ((lower(settings->'white_label'->>'custom_domain')))
  WHERE settings->'white_label'->>'custom_domain' IS NOT NULL;

CREATE OR REPLACE FUNCTION app.tenant_for_host(p_custom_domain text, p_subdomain text)
RETURNS TABLE (tenant_id uuid, tenant_name text, tenant_slug text, tenant_status text, white_label jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, app SET app.platform = 'on' AS $$
  SELECT t.id, t.name, t.slug, t.status, coalesce(t.settings->'white_label', '{}'::jsonb) FROM tenants t
  WHERE (p_custom_domain IS NOT NULL AND lower(t.settings->'white_label'->>'custom_domain') = lower(p_custom_domain))
     OR (p_subdomain IS NOT NULL AND lower(t.settings->'white_label'->>'subdomain') = lower(p_subdomain))
  ORDER BY (lower(t.settings->'white_label'->>'custom_domain') = lower(p_custom_domain)) DESC NULLS LAST
  LIMIT 1
$$;

REVOKE ALL ON FUNCTION app.tenant_for_host(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.tenant_for_host(text, text) TO chatbot_app;
