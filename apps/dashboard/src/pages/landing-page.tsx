/**
 * `/`: the operator's public page — what the service does, pricing from the configured plans and
 * a sign-up call to action.
 */
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { BookOpen, MessagesSquare, ShieldCheck, UserRound } from 'lucide-react';
import { useSession } from '../api/api-context';
import { LanguageSwitcher } from '../components/language-switcher';
import { buttonVariants } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { LandingPricing } from './landing-pricing';

const features = [
  { icon: MessagesSquare, title: 'landing.features.channels.title', body: 'landing.features.channels.body' },
  { icon: BookOpen, title: 'landing.features.knowledge.title', body: 'landing.features.knowledge.body' },
  { icon: UserRound, title: 'landing.features.handoff.title', body: 'landing.features.handoff.body' },
  { icon: ShieldCheck, title: 'landing.features.team.title', body: 'landing.features.team.body' },
] as const;

const steps = ['landing.steps.signup', 'landing.steps.connect', 'landing.steps.data'] as const;

/** The landing page. */
export function LandingPage() {
  const { t } = useTranslation();
  const signedIn = useSession((s) => s.refreshToken !== null);
  return (
    <div className="min-h-screen">
      <header className="flex items-center justify-between border-b px-4 py-3 sm:px-8">
        <span className="text-lg font-bold text-primary">{t('common.brand')}</span>
        <nav aria-label={t('landing.navLabel')} className="flex items-center gap-2 sm:gap-4">
          <LanguageSwitcher />
          {signedIn ? (
            <Link to="/app" className={buttonVariants({ size: 'sm' })}>
              {t('landing.openDashboard')}
            </Link>
          ) : (
            <Link to="/login" className={buttonVariants({ variant: 'ghost', size: 'sm' })}>
              {t('landing.login')}
            </Link>
          )}
        </nav>
      </header>
      <main>
        <section className="mx-auto grid max-w-4xl gap-6 px-4 py-16 text-center sm:py-24">
          <h1 className="text-3xl font-bold tracking-tight sm:text-5xl">{t('landing.headline')}</h1>
          <p className="text-lg text-muted-foreground">{t('landing.subheadline')}</p>
          <div className="flex flex-col justify-center gap-3 sm:flex-row">
            <Link to="/signup" className={buttonVariants({ size: 'lg' })}>
              {t('landing.cta')}
            </Link>
            <a href="/docs" className={buttonVariants({ variant: 'outline', size: 'lg' })}>
              {t('landing.apiDocs')}
            </a>
          </div>
        </section>
        <section aria-labelledby="features" className="bg-muted px-4 py-16">
          <h2 id="features" className="mb-8 text-center text-2xl font-semibold">
            {t('landing.featuresTitle')}
          </h2>
          <div className="mx-auto grid max-w-5xl gap-4 sm:grid-cols-2">
            {features.map(({ icon: Icon, title, body }) => (
              <Card key={title}>
                <CardHeader className="flex-row items-center gap-3">
                  <Icon className="h-6 w-6 text-primary" aria-hidden="true" />
                  <CardTitle className="text-base">{t(title)}</CardTitle>
                </CardHeader>
                <CardContent className="text-sm text-muted-foreground">{t(body)}</CardContent>
              </Card>
            ))}
          </div>
        </section>
        <LandingPricing />
        <section aria-labelledby="steps" className="mx-auto max-w-3xl px-4 py-16">
          <h2 id="steps" className="mb-6 text-center text-2xl font-semibold">
            {t('landing.stepsTitle')}
          </h2>
          <ol className="grid gap-4 sm:grid-cols-3">
            {steps.map((step, index) => (
              <li key={step} className="rounded-lg border p-4">
                <span className="mb-2 block text-2xl font-bold text-primary">{index + 1}</span>
                {t(step)}
              </li>
            ))}
          </ol>
          <div className="mt-8 text-center">
            <Link to="/signup" className={buttonVariants({ size: 'lg' })}>
              {t('landing.cta')}
            </Link>
          </div>
        </section>
      </main>
      <footer className="border-t px-4 py-6 text-center text-sm text-muted-foreground">{t('landing.footer')}</footer>
    </div>
  );
}
