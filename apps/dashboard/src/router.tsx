/**
 * The route tree (TanStack Router, code-based). Public pages: `/`, `/signup`, `/login`,
 * `/forgot-password`, `/reset-password?token=`, `/invitations/accept?token=` (the last two are the
 * links the runtime e-mails). Everything under `/app` needs a session; `/app/admin/*` needs a
 * platform-admin. The signed-in pages load on demand, so the landing and sign-up pages stay light.
 */
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import type { ApiClient } from './api/client';
import type { SessionStore } from './api/session-store';
import { AppShell } from './components/app-shell';
import { NotFoundPage } from './pages/not-found-page';
import { LandingPage } from './pages/landing-page';
import { SignupPage } from './pages/signup-page';
import { LoginPage } from './pages/login-page';
import { ForgotPasswordPage } from './pages/forgot-password-page';
import { ResetPasswordPage } from './pages/reset-password-page';
import { AcceptInvitationPage } from './pages/accept-invitation-page';

/** What every route's loader and guard can reach. */
export interface RouterContext {
  client: ApiClient;
  session: SessionStore;
  queryClient: QueryClient;
}

const tokenSearch = (search: Record<string, unknown>): { token: string } => ({
  token: typeof search['token'] === 'string' ? search['token'] : '',
});

const redirectSearch = (search: Record<string, unknown>): { redirect?: string } =>
  // Only same-site paths: an open redirect would let a link send a fresh session elsewhere.
  typeof search['redirect'] === 'string' && search['redirect'].startsWith('/app') ? { redirect: search['redirect'] } : {};

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const landingRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: LandingPage });
const signupRoute = createRoute({ getParentRoute: () => rootRoute, path: '/signup', component: SignupPage });
const loginRoute = createRoute({ getParentRoute: () => rootRoute, path: '/login', validateSearch: redirectSearch, component: LoginPage });
const forgotRoute = createRoute({ getParentRoute: () => rootRoute, path: '/forgot-password', component: ForgotPasswordPage });
const resetRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reset-password', validateSearch: tokenSearch, component: ResetPasswordPage });
const acceptRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invitations/accept',
  validateSearch: tokenSearch,
  component: AcceptInvitationPage,
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/app',
  beforeLoad: async ({ context, location }) => {
    if (!(await context.client.restore())) throw redirect({ to: '/login', search: { redirect: location.href } });
  },
  component: AppShell,
});

const requireTenantAdmin = ({ context }: { context: RouterContext }) => {
  if (context.session.getState().tenant?.role !== 'tenant-admin') throw redirect({ to: '/app' });
};

const overviewRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: lazyRouteComponent(() => import('./pages/overview-page'), 'OverviewPage') });
const botRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/bot', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/bot-settings-page'), 'BotSettingsPage') });
const teamRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/team', component: lazyRouteComponent(() => import('./pages/team-page'), 'TeamPage') });
const apiKeysRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/api-keys', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/api-keys-page'), 'ApiKeysPage') });
const llmKeysRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/llm-keys', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/llm-keys-page'), 'LlmKeysPage') });
const auditRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/audit-log', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/audit-log-page'), 'AuditLogPage') });
const onboardingRoute = createRoute({ getParentRoute: () => appRoute, path: '/onboarding', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/onboarding-page'), 'OnboardingPage') });
const channelsRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/channels', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/channels-page'), 'ChannelsPage') });
const widgetRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/widget', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/widget-page'), 'WidgetPage') });
const whiteLabelRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings/white-label', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/white-label-page'), 'WhiteLabelPage') });
const analyticsRoute = createRoute({ getParentRoute: () => appRoute, path: '/analytics', component: lazyRouteComponent(() => import('./pages/analytics-page'), 'AnalyticsPage') });
const inboxSearch = (search: Record<string, unknown>): { conversation?: string } =>
  typeof search['conversation'] === 'string' && /^[0-9a-f-]{36}$/i.test(search['conversation']) ? { conversation: search['conversation'] } : {};
const inboxRoute = createRoute({ getParentRoute: () => appRoute, path: '/inbox', validateSearch: inboxSearch, component: lazyRouteComponent(() => import('./pages/inbox-page'), 'InboxPage') });
const knowledgeRoute = createRoute({ getParentRoute: () => appRoute, path: '/knowledge', component: lazyRouteComponent(() => import('./pages/knowledge-page'), 'KnowledgePage') });
const contactSearch = (search: Record<string, unknown>): { contact?: string } =>
  typeof search['contact'] === 'string' && /^[0-9a-f-]{36}$/i.test(search['contact']) ? { contact: search['contact'] } : {};
const conversationsRoute = createRoute({ getParentRoute: () => appRoute, path: '/conversations', validateSearch: contactSearch, component: lazyRouteComponent(() => import('./pages/conversations-page'), 'ConversationsPage') });
const customersRoute = createRoute({ getParentRoute: () => appRoute, path: '/customers', component: lazyRouteComponent(() => import('./pages/customers-page'), 'CustomersPage') });
const testChatRoute = createRoute({ getParentRoute: () => appRoute, path: '/test-chat', component: lazyRouteComponent(() => import('./pages/test-chat-page'), 'TestChatPage') });
const adminTenantsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin/tenants',
  beforeLoad: ({ context }) => {
    if (!context.session.getState().user?.platform_admin) throw redirect({ to: '/app' });
  },
  component: lazyRouteComponent(() => import('./pages/admin-tenants-page'), 'AdminTenantsPage'),
});

const requirePlatformAdmin = ({ context }: { context: RouterContext }) => {
  if (!context.session.getState().user?.platform_admin) throw redirect({ to: '/app' });
};
const billingRoute = createRoute({ getParentRoute: () => appRoute, path: '/billing', beforeLoad: requireTenantAdmin, component: lazyRouteComponent(() => import('./pages/billing-page'), 'BillingPage') });
const supportRoute = createRoute({ getParentRoute: () => appRoute, path: '/support', component: lazyRouteComponent(() => import('./pages/support-page'), 'SupportPage') });
const adminBillingRoute = createRoute({ getParentRoute: () => appRoute, path: '/admin/billing', beforeLoad: requirePlatformAdmin, component: lazyRouteComponent(() => import('./pages/admin/admin-billing-page'), 'AdminBillingPage') });
const adminPlansRoute = createRoute({ getParentRoute: () => appRoute, path: '/admin/plans', beforeLoad: requirePlatformAdmin, component: lazyRouteComponent(() => import('./pages/admin/admin-plans-page'), 'AdminPlansPage') });
const adminSystemRoute = createRoute({ getParentRoute: () => appRoute, path: '/admin/system', beforeLoad: requirePlatformAdmin, component: lazyRouteComponent(() => import('./pages/admin/admin-system-page'), 'AdminSystemPage') });
const adminSupportRoute = createRoute({ getParentRoute: () => appRoute, path: '/admin/support', beforeLoad: requirePlatformAdmin, component: lazyRouteComponent(() => import('./pages/admin/admin-support-page'), 'AdminSupportPage') });

const routeTree = rootRoute.addChildren([
  landingRoute,
  signupRoute,
  loginRoute,
  forgotRoute,
  resetRoute,
  acceptRoute,
  appRoute.addChildren([overviewRoute, knowledgeRoute, conversationsRoute, customersRoute, testChatRoute, inboxRoute, analyticsRoute, botRoute, teamRoute, apiKeysRoute, llmKeysRoute, auditRoute, onboardingRoute, channelsRoute, widgetRoute, whiteLabelRoute, adminTenantsRoute, billingRoute, supportRoute, adminBillingRoute, adminPlansRoute, adminSystemRoute, adminSupportRoute]),
]);

/**
 * Creates the router.
 *
 * @example const router = createAppRouter({ client, session, queryClient });
 */
export function createAppRouter(context: RouterContext, history?: RouterHistory) {
  return createRouter({ routeTree, context, defaultPreload: 'intent', ...(history ? { history } : {}) });
}

/** The router type, registered for type-safe links. */
export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
