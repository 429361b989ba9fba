/**
 * Sends a tenant admin whose setup wizard is neither finished nor skipped to `/app/onboarding`
 * (`GET /v1/tenant/onboarding` → `pending`). Any failure of that call leaves the page as it is.
 */
import { useEffect } from 'react';
import { useNavigate } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { onboardingKeys } from './api-types';

/** Redirects to the wizard while it is pending (only when `enabled`). */
export function useOnboardingRedirect(enabled: boolean): void {
  const { client } = useApi();
  const navigate = useNavigate();
  const state = useQuery({ queryKey: onboardingKeys.state, queryFn: () => unwrap(client.api.GET('/v1/tenant/onboarding')), enabled, retry: false });
  const pending = enabled && state.data?.status === 'pending';
  useEffect(() => {
    if (pending) void navigate({ to: '/app/onboarding', replace: true });
  }, [pending, navigate]);
}
