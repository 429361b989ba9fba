/**
 * The signed-in frame: a sidebar (a slide-in panel on phones, opened by a labelled button), the
 * tenant name, the language switcher and the user menu around the current page.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Inbox, BarChart3, Bot, Building2, FileClock, Home, KeyRound, Menu, Users, Webhook, X, BookOpen, MessagesSquare, Contact, FlaskConical } from 'lucide-react';
import { Palette, Plug, Rocket, SquareCode } from 'lucide-react';
import { CreditCard, HeartPulse, LifeBuoy, ReceiptText, Tags } from 'lucide-react';
import { useSession } from '../api/api-context';
import { BillingAlertBanner } from './billing-alert-banner';
import { cn } from '../lib/utils';
import { LanguageSwitcher } from './language-switcher';
import { useTenantBranding } from './tenant-branding';
import { Button } from './ui/button';
import { UserMenu } from './user-menu';

interface NavItem {
  to: '/app' | '/app/knowledge' | '/app/conversations' | '/app/customers' | '/app/test-chat' | '/app/inbox' | '/app/analytics' | '/app/settings/bot' | '/app/settings/team' | '/app/settings/api-keys' | '/app/settings/llm-keys' | '/app/settings/audit-log' | '/app/onboarding' | '/app/settings/channels' | '/app/settings/widget' | '/app/settings/white-label' | '/app/admin/tenants' | '/app/billing' | '/app/support' | '/app/admin/billing' | '/app/admin/plans' | '/app/admin/system' | '/app/admin/support';
  label: string;
  icon: typeof Home;
  /** Who sees it. */
  show: 'member' | 'admin' | 'platform';
}

const nav: readonly NavItem[] = [
  { to: '/app', label: 'nav.overview', icon: Home, show: 'member' },
  { to: '/app/knowledge', label: 'nav.knowledge', icon: BookOpen, show: 'member' },
  { to: '/app/conversations', label: 'nav.conversations', icon: MessagesSquare, show: 'member' },
  { to: '/app/customers', label: 'nav.customers', icon: Contact, show: 'member' },
  { to: '/app/test-chat', label: 'nav.testChat', icon: FlaskConical, show: 'member' },
  { to: '/app/inbox', label: 'nav.inbox', icon: Inbox, show: 'member' },
  { to: '/app/analytics', label: 'nav.analytics', icon: BarChart3, show: 'member' },
  { to: '/app/onboarding', label: 'nav.onboarding', icon: Rocket, show: 'admin' },
  { to: '/app/settings/bot', label: 'nav.bot', icon: Bot, show: 'admin' },
  { to: '/app/settings/channels', label: 'nav.channels', icon: Plug, show: 'admin' },
  { to: '/app/settings/widget', label: 'nav.widget', icon: SquareCode, show: 'admin' },
  { to: '/app/settings/white-label', label: 'nav.whiteLabel', icon: Palette, show: 'admin' },
  { to: '/app/settings/team', label: 'nav.team', icon: Users, show: 'member' },
  { to: '/app/settings/api-keys', label: 'nav.apiKeys', icon: Webhook, show: 'admin' },
  { to: '/app/settings/llm-keys', label: 'nav.llmKeys', icon: KeyRound, show: 'admin' },
  { to: '/app/settings/audit-log', label: 'nav.auditLog', icon: FileClock, show: 'admin' },
  { to: '/app/billing', label: 'nav.billing', icon: CreditCard, show: 'admin' },
  { to: '/app/support', label: 'nav.support', icon: LifeBuoy, show: 'member' },
  { to: '/app/admin/tenants', label: 'nav.adminTenants', icon: Building2, show: 'platform' },
  { to: '/app/admin/billing', label: 'nav.adminBilling', icon: ReceiptText, show: 'platform' },
  { to: '/app/admin/plans', label: 'nav.adminPlans', icon: Tags, show: 'platform' },
  { to: '/app/admin/system', label: 'nav.adminSystem', icon: HeartPulse, show: 'platform' },
  { to: '/app/admin/support', label: 'nav.adminSupport', icon: LifeBuoy, show: 'platform' },
];

/** The app shell around every `/app` page. */
export function AppShell() {
  const { t } = useTranslation();
  const tenant = useSession((s) => s.tenant);
  const platformAdmin = useSession((s) => s.user?.platform_admin ?? false);
  const [open, setOpen] = useState(false);
  const branding = useTenantBranding();
  const openButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  // Phone menu: focus moves into it when it opens and back to the menu button when it closes.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open) closeButton.current?.focus();
    else if (wasOpen.current) openButton.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const visible = nav.filter((item) =>
    item.show === 'platform' ? platformAdmin : item.show === 'admin' ? tenant?.role === 'tenant-admin' : tenant !== null,
  );
  return (
    <div className="min-h-screen md:grid md:grid-cols-[15rem_1fr]" style={branding.style}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-background focus:p-2">
        {t('shell.skipToContent')}
      </a>
      <aside
        id="sidebar"
        onKeyDown={(event) => {
          if (event.key === 'Escape' && open) setOpen(false);
        }}
        className={cn(
          'fixed inset-y-0 left-0 z-40 w-60 border-r bg-background transition-transform md:static md:visible md:translate-x-0',
          // Closed on a phone: off-screen and invisible, so keyboard focus cannot wander into it.
          open ? 'visible translate-x-0' : 'invisible -translate-x-full',
        )}
      >
        <div className="flex h-14 items-center justify-between border-b px-4">
          <Link to="/" className="flex min-w-0 items-center gap-2 font-bold text-primary">
            {branding.logo ? <img src={branding.logo} alt="" className="h-7 w-auto" /> : null}
            <span className="truncate">{branding.brandName ?? t('common.brand')}</span>
          </Link>
          <Button ref={closeButton} variant="ghost" size="icon" className="md:hidden" onClick={() => setOpen(false)} aria-label={t('shell.closeMenu')}>
            <X className="h-5 w-5" aria-hidden="true" />
          </Button>
        </div>
        <nav aria-label={t('shell.navLabel')} className="grid gap-1 p-2">
          {visible.map(({ to, label, icon: Icon }) => (
            <Link
              key={to}
              to={to}
              activeOptions={{ exact: true }}
              onClick={() => setOpen(false)}
              className="flex items-center gap-3 rounded-md px-3 py-2 text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              activeProps={{ className: 'bg-muted font-semibold text-primary', 'aria-current': 'page' }}
            >
              <Icon className="h-4 w-4" aria-hidden="true" />
              {t(label)}
            </Link>
          ))}
        </nav>
      </aside>
      {open ? <div className="fixed inset-0 z-30 bg-black/40 md:hidden" aria-hidden="true" onClick={() => setOpen(false)} /> : null}
      <div className="flex min-w-0 flex-col">
        <header className="flex h-14 items-center gap-3 border-b px-4">
          <Button
            ref={openButton}
            variant="ghost"
            size="icon"
            className="md:hidden"
            onClick={() => setOpen(true)}
            aria-label={t('shell.openMenu')}
            aria-expanded={open}
            aria-controls="sidebar"
          >
            <Menu className="h-5 w-5" aria-hidden="true" />
          </Button>
          <p className="min-w-0 flex-1 truncate font-semibold">{tenant?.name ?? t('shell.platformConsole')}</p>
          <LanguageSwitcher />
          <UserMenu />
        </header>
        <BillingAlertBanner variant="shell" />
        <main id="main" className="flex-1 p-4 sm:p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
