/**
 * The frame of the sign-up, login and password pages: logo (the shop's, on its own white-label
 * domain), language switcher, one card.
 */
import type { ReactNode } from 'react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Card, CardContent, CardDescription, CardHeader } from './ui/card';
import { LanguageSwitcher } from './language-switcher';
import { readHostBrand } from './tenant-branding';

/** Props of {@link AuthLayout}. */
export interface AuthLayoutProps {
  title: string;
  description?: string;
  children: ReactNode;
  footer?: ReactNode;
}

/** A centred card page. */
export function AuthLayout({ title, description, children, footer }: AuthLayoutProps) {
  const { t } = useTranslation();
  // On a shop's own domain (white-label) the runtime names the shop in the page.
  const brand = readHostBrand();
  return (
    <div className="flex min-h-screen flex-col bg-muted">
      <header className="flex items-center justify-between px-4 py-3 sm:px-8">
        <Link to="/" className="flex items-center gap-2 text-lg font-bold text-primary">
          {brand?.logo ? <img src={brand.logo} alt="" className="h-8 w-auto" /> : null}
          {brand?.name ?? t('common.brand')}
        </Link>
        <LanguageSwitcher />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 py-8 sm:items-center">
        <Card className="w-full max-w-md">
          <CardHeader>
            <h1 className="text-xl font-semibold leading-none">{title}</h1>
            {description ? <CardDescription>{description}</CardDescription> : null}
          </CardHeader>
          <CardContent className="grid gap-4">
            {children}
            {footer ? <div className="text-center text-sm text-muted-foreground">{footer}</div> : null}
          </CardContent>
        </Card>
      </main>
    </div>
  );
}
