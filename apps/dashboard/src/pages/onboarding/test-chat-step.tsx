/**
 * Wizard step 4: a live test chat (`POST /v1/tenant/test-chat`, answered exactly as a customer
 * would be, nothing delivered) where the owner tunes the tone and the answer length and saves
 * them: the tone to `settings.persona.tone`, the length to `settings.limits` (`maxOutputTokens`
 * and `maxAnswerChars`, which the engine reads).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { queryKeys } from '../../api/queries';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Input, NativeSelect } from '../../components/ui/input';
import type { TestChatAnswer } from './api-types';

/** Tones offered in the wizard (the bot settings page also offers "custom"). */
export const wizardTones = ['friendly', 'professional', 'concise'] as const;
type Tone = (typeof wizardTones)[number];

/** Answer lengths and the limits each one sets. */
export const answerLengths = {
  short: { maxOutputTokens: 150, maxAnswerChars: 500 },
  medium: { maxOutputTokens: 350, maxAnswerChars: 1200 },
  long: { maxOutputTokens: 700, maxAnswerChars: 2400 },
} as const;
type Length = keyof typeof answerLengths;

interface Turn {
  question: string;
  answer?: TestChatAnswer;
}

const objectOr = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

function lengthOf(limits: Record<string, unknown>): Length {
  const tokens = limits['maxOutputTokens'];
  if (typeof tokens !== 'number') return 'medium';
  return tokens <= 200 ? 'short' : tokens >= 600 ? 'long' : 'medium';
}

/** Step 4 of the wizard. */
export function TestChatStep({ suggested }: { suggested: readonly string[] }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const tenant = useQuery({ queryKey: queryKeys.tenant, queryFn: () => unwrap(client.api.GET('/v1/tenant')) });
  const settings = tenant.data?.settings ?? {};
  const persona = objectOr(settings['persona']);
  const limits = objectOr(settings['limits']);
  const storedTone = wizardTones.find((x) => x === persona['tone']) ?? 'friendly';
  const [tone, setTone] = useState<Tone | null>(null);
  const [length, setLength] = useState<Length | null>(null);
  const currentTone = tone ?? storedTone;
  const currentLength = length ?? lengthOf(limits);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversationId, setConversationId] = useState<string | undefined>();
  const fromSettings = Array.isArray(settings['suggested_questions']) ? settings['suggested_questions'].filter((q): q is string => typeof q === 'string') : [];
  const chips = suggested.length > 0 ? suggested : fromSettings;

  const ask = useMutation({
    mutationFn: (message: string) =>
      unwrap(
        client.api.POST('/v1/tenant/test-chat', {
          body: { message, tone: currentTone, max_output_tokens: answerLengths[currentLength].maxOutputTokens, ...(conversationId ? { conversation_id: conversationId } : {}) },
        }),
      ),
    onMutate: (message) => setTurns((all) => [...all, { question: message }]),
    onSuccess: (answer) => {
      setConversationId(answer.conversation_id);
      setTurns((all) => all.map((turn, i) => (i === all.length - 1 ? { ...turn, answer } : turn)));
    },
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        client.api.PATCH('/v1/tenant', {
          body: { settings: { persona: { ...persona, tone: currentTone }, limits: { ...limits, ...answerLengths[currentLength] } } },
        }),
      ),
    onSuccess: (updated) => queryClient.setQueryData(queryKeys.tenant, updated),
  });
  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const message = String(new FormData(form).get('message') ?? '').trim();
    if (!message || ask.isPending) return;
    ask.mutate(message);
    form.reset();
  };
  return (
    <div className="grid gap-4 lg:grid-cols-[16rem_1fr]">
      <div className="grid content-start gap-4">
        <FormField label={t('bot.tone')}>
          <NativeSelect value={currentTone} onChange={(event) => setTone(event.target.value as Tone)}>
            {wizardTones.map((x) => (
              <option key={x} value={x}>
                {t(`bot.tones.${x}`)}
              </option>
            ))}
          </NativeSelect>
        </FormField>
        <FormField label={t('onboarding.answerLength')} hint={t('onboarding.answerLengthHint')}>
          <NativeSelect value={currentLength} onChange={(event) => setLength(event.target.value as Length)}>
            {(Object.keys(answerLengths) as Length[]).map((x) => (
              <option key={x} value={x}>
                {t(`onboarding.lengths.${x}`)}
              </option>
            ))}
          </NativeSelect>
        </FormField>
        <Button type="button" variant="outline" disabled={save.isPending || !tenant.data} onClick={() => save.mutate()}>
          {t('onboarding.saveStyle')}
        </Button>
        <ApiErrorAlert error={save.error ?? tenant.error} />
        {save.isSuccess ? <Alert variant="success">{t('onboarding.styleSaved')}</Alert> : null}
      </div>
      <div className="grid content-start gap-3">
        <ol className="grid max-h-96 gap-3 overflow-y-auto rounded-md border p-3" aria-label={t('onboarding.chatLog')} aria-live="polite">
          {turns.length === 0 ? <li className="text-sm text-muted-foreground">{t('onboarding.chatEmpty')}</li> : null}
          {turns.map((turn, i) => (
            <li key={i} className="grid gap-2 text-sm">
              <p className="justify-self-end rounded-lg bg-primary px-3 py-2 text-primary-foreground">{turn.question}</p>
              {turn.answer ? (
                <div className="justify-self-start rounded-lg bg-muted px-3 py-2">
                  <p className="whitespace-pre-wrap">{turn.answer.answer}</p>
                  <p className="mt-1 text-xs text-muted-foreground">
                    {t('onboarding.answerMeta', { route: t(`conversations.routes.${turn.answer.route}`, turn.answer.route), tokens: turn.answer.tokens_in + turn.answer.tokens_out, cost: turn.answer.cost_vnd })}
                  </p>
                </div>
              ) : i === turns.length - 1 && ask.isPending ? (
                <p role="status" className="text-muted-foreground">
                  {t('onboarding.thinking')}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
        <ApiErrorAlert error={ask.error} />
        {chips.length > 0 ? (
          <div className="flex flex-wrap gap-2" role="group" aria-label={t('onboarding.suggested')}>
            {chips.map((q) => (
              <Button key={q} type="button" variant="outline" size="sm" disabled={ask.isPending} onClick={() => ask.mutate(q)}>
                {q}
              </Button>
            ))}
          </div>
        ) : null}
        <form onSubmit={send} className="flex gap-2">
          <label htmlFor="test-chat-message" className="sr-only">
            {t('onboarding.message')}
          </label>
          <Input id="test-chat-message" name="message" placeholder={t('onboarding.messagePlaceholder')} maxLength={4000} autoComplete="off" />
          <Button type="submit" disabled={ask.isPending}>
            {t('onboarding.send')}
          </Button>
        </form>
      </div>
    </div>
  );
}
