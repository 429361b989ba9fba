/**
 * `/app/onboarding`: the five-minute setup wizard a new shop sees after sign-up — (1) connect a
 * channel, (2) upload data or pick an industry template, (3) choose who pays for the AI, (4) try
 * the bot and tune its tone and answer length. Every step can be skipped; finishing or skipping
 * the wizard is stored (`PUT /v1/tenant/onboarding`), after which the overview stops sending the
 * owner here.
 */
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Check } from 'lucide-react';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { PageHeader } from '../components/page-header';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '../components/ui/card';
import { cn } from '../lib/utils';
import { onboardingKeys, type OnboardingState, type TemplateApplied } from './onboarding/api-types';
import { ChannelStep, type ChannelChoice } from './onboarding/channel-step';
import { DataStep } from './onboarding/data-step';
import { KeyStep } from './onboarding/key-step';
import { TestChatStep } from './onboarding/test-chat-step';

const steps = ['channel', 'data', 'key', 'chat'] as const;
type Step = (typeof steps)[number];

function done(step: Step, state: OnboardingState | undefined): boolean {
  if (!state) return false;
  if (step === 'channel') return state.checklist.channel;
  if (step === 'data') return state.checklist.knowledge;
  if (step === 'key') return state.checklist.llm;
  return state.status === 'completed';
}

/** The onboarding wizard. */
export function OnboardingPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [index, setIndex] = useState(0);
  const [choice, setChoice] = useState<ChannelChoice>('zalo');
  const [suggested, setSuggested] = useState<readonly string[]>([]);
  const state = useQuery({ queryKey: onboardingKeys.state, queryFn: () => unwrap(client.api.GET('/v1/tenant/onboarding')) });
  const finish = useMutation({
    mutationFn: (status: 'completed' | 'skipped') => unwrap(client.api.PUT('/v1/tenant/onboarding', { body: { status } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(onboardingKeys.state, saved);
      void navigate({ to: '/app' });
    },
  });
  // Moving between steps puts keyboard and screen-reader focus on the new step's title.
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (moved.current) heading.current?.focus();
    moved.current = true;
  }, [index]);
  // A template's suggested questions also become the website widget's, when the owner chose the
  // website in step 1 and the widget has none of its own yet.
  const templateApplied = (result: TemplateApplied) => {
    setSuggested(result.suggested_questions);
    if (choice !== 'web') return;
    void (async () => {
      const widget = await queryClient.fetchQuery({ queryKey: onboardingKeys.widget, queryFn: () => unwrap(client.api.GET('/v1/tenant/widget')) });
      if (widget.suggested_questions.vi.length > 0) return;
      const saved = await unwrap(client.api.PUT('/v1/tenant/widget', { body: { suggested_questions: { vi: result.suggested_questions.slice(0, 6) } } }));
      queryClient.setQueryData(onboardingKeys.widget, saved);
    })().catch(() => undefined);
  };
  const step = steps[index]!;
  const last = index === steps.length - 1;
  return (
    <>
      <PageHeader
        title={t('onboarding.title')}
        description={t('onboarding.description')}
        actions={
          <Button type="button" variant="ghost" disabled={finish.isPending} onClick={() => finish.mutate('skipped')}>
            {t('onboarding.skipAll')}
          </Button>
        }
      />
      <nav aria-label={t('onboarding.stepsLabel')} className="mb-6">
        <ol className="grid gap-2 sm:grid-cols-4">
          {steps.map((s, i) => (
            <li key={s}>
              <button
                type="button"
                onClick={() => setIndex(i)}
                aria-current={i === index ? 'step' : undefined}
                className={cn(
                  'flex w-full items-center gap-2 rounded-md border px-3 py-2 text-left text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                  i === index ? 'border-primary bg-muted font-semibold' : 'hover:bg-muted',
                )}
              >
                <span className="grid h-6 w-6 shrink-0 place-items-center rounded-full border text-xs">
                  {done(s, state.data) ? <Check className="h-4 w-4" aria-label={t('onboarding.stepDone')} /> : i + 1}
                </span>
                {t(`onboarding.steps.${s}.short`)}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <ApiErrorAlert error={state.error ?? finish.error} />
      <Card>
        <CardHeader>
          <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold leading-none focus:outline-none">
            <span className="sr-only">{t('onboarding.stepOf', { step: index + 1, total: steps.length })} </span>
            {t(`onboarding.steps.${step}.title`)}
          </h2>
          <CardDescription>{t(`onboarding.steps.${step}.description`)}</CardDescription>
        </CardHeader>
        <CardContent>
          {step === 'channel' ? <ChannelStep choice={choice} onChoose={setChoice} /> : null}
          {step === 'data' ? <DataStep onApplied={templateApplied} /> : null}
          {step === 'key' ? <KeyStep /> : null}
          {step === 'chat' ? <TestChatStep suggested={suggested} /> : null}
        </CardContent>
      </Card>
      <div className="mt-6 flex flex-wrap justify-between gap-2">
        <Button type="button" variant="outline" disabled={index === 0} onClick={() => setIndex(index - 1)}>
          {t('onboarding.back')}
        </Button>
        {last ? (
          <Button type="button" disabled={finish.isPending} onClick={() => finish.mutate('completed')}>
            {t('onboarding.finish')}
          </Button>
        ) : (
          <Button type="button" onClick={() => setIndex(index + 1)}>
            {done(step, state.data) ? t('onboarding.next') : t('onboarding.later')}
          </Button>
        )}
      </div>
    </>
  );
}
