/**
 * The landing page's pricing: the plans the operator configured (`GET /v1/plans`, no sign-in) —
 * monthly fee, included chats, overage — and the pay-as-you-go credit prices for the platform's
 * AI key. Nothing is shown while loading or when the runtime does not answer.
 */
import { Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { billingKeys } from '../api/billing-queries';
import { buttonVariants } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { formatNumber, formatVnd } from '../lib/money';

/** The pricing section. */
export function LandingPricing() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useApi();
  const plans = useQuery({ queryKey: billingKeys.plans, queryFn: () => unwrap(client.api.GET('/v1/plans')), retry: false });
  if (!plans.data || plans.data.plans.length === 0) return null;
  const cheapest = plans.data.credit_prices.reduce<(typeof plans.data.credit_prices)[number] | undefined>(
    (best, p) => (best === undefined || p.output_vnd_per_million_tokens < best.output_vnd_per_million_tokens ? p : best),
    undefined,
  );
  return (
    <section aria-labelledby="pricing" className="px-4 py-16">
      <h2 id="pricing" className="mb-2 text-center text-2xl font-semibold">
        {t('landing.pricing.title')}
      </h2>
      <p className="mb-8 text-center text-muted-foreground">{t('landing.pricing.subtitle')}</p>
      <ul className="mx-auto grid max-w-5xl gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {plans.data.plans.map((plan) => (
          <li key={plan.id}>
            <Card className="h-full">
              <CardHeader>
                <CardTitle>{lang.startsWith('vi') ? plan.name_vi : plan.name}</CardTitle>
                <p className="text-3xl font-bold">
                  {plan.monthly_fee_vnd === 0 ? t('landing.pricing.free') : formatVnd(plan.monthly_fee_vnd, lang)}
                  {plan.monthly_fee_vnd > 0 ? <span className="text-sm font-normal text-muted-foreground"> {t('landing.pricing.perMonth')}</span> : null}
                </p>
              </CardHeader>
              <CardContent className="grid gap-2 text-sm">
                <p>{t('landing.pricing.includedChats', { formatted: formatNumber(plan.included_chats, lang) })}</p>
                <p className="text-muted-foreground">
                  {plan.overage_per_chat_vnd === null
                    ? t('landing.pricing.freeLimit')
                    : t('landing.pricing.overage', { price: formatVnd(plan.overage_per_chat_vnd, lang) })}
                </p>
                <Link to="/signup" className={buttonVariants({ variant: plan.monthly_fee_vnd === 0 ? 'default' : 'outline', size: 'sm' })}>
                  {t('landing.pricing.choose')}
                </Link>
              </CardContent>
            </Card>
          </li>
        ))}
      </ul>
      {cheapest ? (
        <p className="mx-auto mt-6 max-w-3xl text-center text-sm text-muted-foreground">
          {t('landing.pricing.credits', { price: formatVnd(cheapest.output_vnd_per_million_tokens, lang), model: cheapest.model.split(':').slice(1).join(':') })}
        </p>
      ) : null}
    </section>
  );
}
