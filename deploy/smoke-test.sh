#!/usr/bin/env bash
# Kiểm tra nhanh sau khi triển khai / post-deploy smoke test.
#   deploy/smoke-test.sh https://staging.chat.example.vn            # health + readiness + sign-up
#   SMOKE_SIGNUP=0 deploy/smoke-test.sh https://chat.example.vn     # production: no test tenant
# Exits non-zero on the first failure; CI then rolls the release back.
set -euo pipefail
BASE="${1:?usage: smoke-test.sh BASE_URL}"
BASE="${BASE%/}"
SIGNUP_PATH="${SMOKE_SIGNUP_PATH:-/v1/auth/signup}"
TRIES="${SMOKE_TRIES:-30}"

fail() { echo "✗ $*" >&2; exit 1; }

# Readiness may lag the rollout by a few seconds (new pods behind the ingress).
for i in $(seq 1 "$TRIES"); do
  if curl -fsS --max-time 5 "$BASE/healthz" >/dev/null && curl -fsS --max-time 5 "$BASE/readyz" >/dev/null; then
    echo "✓ /healthz và /readyz trả 200 / healthz and readyz OK"
    break
  fi
  [ "$i" = "$TRIES" ] && fail "/healthz or /readyz did not answer 200 after $TRIES tries"
  sleep 2
done

if [ "${SMOKE_SIGNUP:-1}" = "1" ]; then
  stamp="$(date +%s)-$RANDOM"
  # Body of POST /v1/auth/signup (apps/runtime/src/auth/signup-route.ts); answers 201 + a session.
  body=$(printf '{"tenant_name":"Smoke %s","email":"smoke+%s@example.com","password":"Smoke-%s-pass!","name":"Smoke Test"}' "$stamp" "$stamp" "$stamp")
  code=$(curl -sS --max-time 15 -o /tmp/smoke-signup.json -w '%{http_code}' \
    -H 'content-type: application/json' -H 'accept-language: vi' -d "$body" "$BASE$SIGNUP_PATH") || fail "sign-up request failed"
  case "$code" in
    201) echo "✓ đăng ký thử thành công ($code) / sign-up OK" ;;
    *) cat /tmp/smoke-signup.json >&2 || true; fail "sign-up returned HTTP $code (POST $SIGNUP_PATH)" ;;
  esac
fi
echo "✓ smoke test passed: $BASE"
