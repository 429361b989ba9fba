/**
 * `/app/test-chat`: talk to the bot exactly as a customer would (nothing is sent to any channel).
 * The owner picks the model tier (cheap or premium), the tone and a length cap for this chat; the
 * answer streams in, then shows the sources it used, tokens and cost, and how it was answered
 * (cache, FAQ, model…).
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Send } from 'lucide-react';
import { useApi } from '../api/api-context';
import { ApiError, errorMessage, toApiError } from '../api/api-error';
import { formatNumber, formatVnd, type TestChatAnswer, type TestChatRequest } from '../api/content-types';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { Input, NativeSelect, Textarea } from '../components/ui/input';
import { Label } from '../components/ui/label';
import { readSse } from '../lib/sse';
import { cn } from '../lib/utils';

/** One turn of the test chat. */
interface Turn {
  id: number;
  question: string;
  answer: string;
  streaming: boolean;
  final?: TestChatAnswer;
  error?: ApiError;
}

const TONES = ['friendly', 'professional', 'concise'] as const;

/** The test chat page. */
export function TestChatPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const ids = { tier: useId(), tone: useId(), cap: useId(), capHint: useId(), message: useId(), cache: useId() };
  const [tier, setTier] = useState<'cheap' | 'premium'>('cheap');
  const [tone, setTone] = useState<'' | (typeof TONES)[number]>('');
  const [cap, setCap] = useState('');
  const [skipCache, setSkipCache] = useState(false);
  const [message, setMessage] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const counter = useRef(0);
  useEffect(() => () => abort.current?.abort(), []);

  const capNumber = cap.trim() === '' ? undefined : Number(cap);
  const capInvalid = capNumber !== undefined && (!Number.isInteger(capNumber) || capNumber < 16 || capNumber > 4096);

  const patch = (id: number, change: Partial<Turn> | ((turn: Turn) => Partial<Turn>)) =>
    setTurns((all) => all.map((turn) => (turn.id === id ? { ...turn, ...(typeof change === 'function' ? change(turn) : change) } : turn)));

  const ask = async (question: string) => {
    const id = ++counter.current;
    setTurns((all) => [...all, { id, question, answer: '', streaming: true }]);
    setBusy(true);
    const controller = new AbortController();
    abort.current = controller;
    const body: TestChatRequest = {
      message: question,
      stream: true,
      tier,
      ...(tone ? { tone } : {}),
      ...(capNumber !== undefined ? { max_output_tokens: capNumber } : {}),
      ...(conversationId ? { conversation_id: conversationId } : {}),
      ...(skipCache ? { skip_cache: true } : {}),
    };
    try {
      const response = await client.fetchRaw('/v1/tenant/test-chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (!response.ok) {
        throw toApiError(response.status, await response.json().catch(() => undefined));
      }
      if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        // A JSON answer (no stream): show it whole.
        const final = (await response.json()) as TestChatAnswer;
        setConversationId(final.conversation_id);
        patch(id, { answer: final.answer, final, streaming: false });
        return;
      }
      await readSse(
        response,
        ({ event, data }) => {
          const parsed = JSON.parse(data) as { text?: string; error?: { code: string; message: string; message_vi: string } } & Partial<TestChatAnswer>;
          if (event === 'delta' && typeof parsed.text === 'string') patch(id, (turn) => ({ answer: turn.answer + parsed.text }));
          else if (event === 'final') {
            const final = parsed as TestChatAnswer;
            setConversationId(final.conversation_id);
            patch(id, { answer: final.answer, final });
          } else if (event === 'error' && parsed.error) patch(id, { error: new ApiError(500, parsed.error) });
        },
        controller.signal,
      );
    } catch (error) {
      if (!controller.signal.aborted) patch(id, { error: error instanceof ApiError ? error : toApiError(0, undefined) });
    } finally {
      patch(id, { streaming: false });
      setBusy(false);
    }
  };

  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    const question = message.trim();
    if (!question || busy || capInvalid) return;
    setMessage('');
    void ask(question);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const restart = () => {
    abort.current?.abort();
    setTurns([]);
    setConversationId(undefined);
  };

  return (
    <>
      <PageHeader
        title={t('testChat.title')}
        description={t('testChat.description')}
        actions={
          <Button variant="outline" onClick={restart} disabled={turns.length === 0}>
            {t('testChat.restart')}
          </Button>
        }
      />
      <div className="grid gap-4 lg:grid-cols-[18rem_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <CardTitle>{t('testChat.settings')}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <div className="grid gap-2">
              <Label htmlFor={ids.tier}>{t('testChat.tier')}</Label>
              <NativeSelect id={ids.tier} value={tier} onChange={(event) => setTier(event.currentTarget.value === 'premium' ? 'premium' : 'cheap')}>
                <option value="cheap">{t('testChat.tiers.cheap')}</option>
                <option value="premium">{t('testChat.tiers.premium')}</option>
              </NativeSelect>
            </div>
            <div className="grid gap-2">
              <Label htmlFor={ids.tone}>{t('testChat.tone')}</Label>
              <NativeSelect id={ids.tone} value={tone} onChange={(event) => setTone(event.currentTarget.value as typeof tone)}>
                <option value="">{t('testChat.toneDefault')}</option>
                {TONES.map((value) => (
                  <option key={value} value={value}>
                    {t(`bot.tones.${value}`)}
                  </option>
                ))}
              </NativeSelect>
            </div>
            <div className="grid gap-2">
              <Label htmlFor={ids.cap}>{t('testChat.lengthCap')}</Label>
              <Input
                id={ids.cap}
                type="number"
                inputMode="numeric"
                min={16}
                max={4096}
                value={cap}
                onChange={(event) => setCap(event.currentTarget.value)}
                aria-invalid={capInvalid || undefined}
                aria-describedby={ids.capHint}
              />
              <p id={ids.capHint} className={cn('text-xs', capInvalid ? 'text-destructive' : 'text-muted-foreground')}>
                {capInvalid ? t('validation.lengthCap') : t('testChat.lengthCapHint')}
              </p>
            </div>
            <div className="flex items-center gap-2">
              <input id={ids.cache} type="checkbox" className="h-4 w-4" checked={skipCache} onChange={(event) => setSkipCache(event.currentTarget.checked)} />
              <Label htmlFor={ids.cache}>{t('testChat.skipCache')}</Label>
            </div>
          </CardContent>
        </Card>
        <Card className="flex min-h-[28rem] flex-col">
          <CardContent className="flex flex-1 flex-col gap-4 pt-6">
            <ol role="log" aria-live="polite" aria-label={t('testChat.log')} className="grid flex-1 content-start gap-4">
              {turns.length === 0 ? <li className="text-sm text-muted-foreground">{t('testChat.empty')}</li> : null}
              {turns.map((turn) => (
                <li key={turn.id} className="grid gap-2">
                  <p className="ml-auto max-w-[85%] whitespace-pre-wrap rounded-lg bg-primary px-3 py-2 text-sm text-primary-foreground">
                    <span className="sr-only">{t('testChat.you')}: </span>
                    {turn.question}
                  </p>
                  <div className="mr-auto grid max-w-[85%] gap-2 rounded-lg border bg-muted/40 px-3 py-2 text-sm" aria-busy={turn.streaming}>
                    <span className="sr-only">{t('testChat.bot')}: </span>
                    <p className="whitespace-pre-wrap">{turn.answer || (turn.streaming ? t('testChat.thinking') : '')}</p>
                    {turn.error ? <Alert variant="destructive">{errorMessage(turn.error, i18n.language)}</Alert> : null}
                    {turn.final ? (
                      <div className="grid gap-1 text-xs text-muted-foreground">
                        <div className="flex flex-wrap gap-1">
                          <Badge variant="secondary">{t(`conversations.routes.${turn.final.route}`, { defaultValue: turn.final.route })}</Badge>
                          {turn.final.cache_hit ? <Badge variant="outline">{t('testChat.cacheHit')}</Badge> : null}
                          {turn.final.handoff ? <Badge variant="outline">{t('testChat.handoff')}</Badge> : null}
                        </div>
                        <dl className="flex flex-wrap gap-x-4 gap-y-1">
                          <div>
                            <dt className="inline">{t('conversations.meta.model')}: </dt>
                            <dd className="inline">{turn.final.model ?? '—'}</dd>
                          </div>
                          <div>
                            <dt className="inline">{t('conversations.meta.tokens')}: </dt>
                            <dd className="inline">
                              {formatNumber(turn.final.tokens_in, i18n.language)} / {formatNumber(turn.final.tokens_out, i18n.language)}
                            </dd>
                          </div>
                          <div>
                            <dt className="inline">{t('conversations.meta.cost')}: </dt>
                            <dd className="inline">{formatVnd(turn.final.cost_vnd, i18n.language)}</dd>
                          </div>
                        </dl>
                        {turn.final.sources.length ? (
                          <div>
                            <p>{t('conversations.meta.sources')}:</p>
                            <ul className="list-inside list-disc">
                              {turn.final.sources.map((source) => (
                                <li key={source.id}>
                                  {source.title ?? source.source_id} <span className="text-muted-foreground">({source.score.toFixed(2)})</span>
                                </li>
                              ))}
                            </ul>
                          </div>
                        ) : (
                          <p>{t('testChat.noSources')}</p>
                        )}
                      </div>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
            <form onSubmit={submit} className="grid gap-2 sm:grid-cols-[1fr_auto] sm:items-end">
              <div className="grid gap-2">
                <Label htmlFor={ids.message}>{t('testChat.message')}</Label>
                <Textarea
                  id={ids.message}
                  value={message}
                  onChange={(event) => setMessage(event.currentTarget.value)}
                  onKeyDown={onKeyDown}
                  rows={2}
                  maxLength={4000}
                  placeholder={t('testChat.placeholder')}
                />
              </div>
              <Button type="submit" disabled={busy || !message.trim() || capInvalid}>
                <Send className="h-4 w-4" aria-hidden="true" />
                {t('testChat.send')}
              </Button>
            </form>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
