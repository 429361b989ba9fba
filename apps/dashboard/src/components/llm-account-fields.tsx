/**
 * The fields of one LLM account — provider, base URL (OpenAI-compatible servers and Ollama), API
 * key (write-only) and the cheap and premium models — shared by the shop's LLM keys page and the
 * platform console's LLM account (main and failover). Field names take an optional prefix
 * (`failover_`), so one form can hold two accounts.
 */
import { useTranslation } from 'react-i18next';
import type { FieldErrors } from '../lib/forms';
import { FormField } from './form-field';
import { Input, NativeSelect } from './ui/input';

/** What the provider list offers: the API's providers plus "OpenAI-compatible" (OpenAI with a base URL). */
export const providerChoices = ['openai', 'anthropic', 'ollama', 'openai_compatible'] as const;
/** One of {@link providerChoices}. */
export type ProviderChoice = (typeof providerChoices)[number];

/** The choice a stored account shows as: OpenAI with a base URL is an OpenAI-compatible API. */
export function providerChoiceOf(settings: { provider: 'openai' | 'anthropic' | 'ollama'; base_url?: string | null }): ProviderChoice {
  return settings.provider === 'openai' && settings.base_url ? 'openai_compatible' : settings.provider;
}

/** OpenAI-compatible servers and Ollama need a base URL. */
export const needsBaseUrl = (choice: ProviderChoice): boolean => choice === 'openai_compatible' || choice === 'ollama';
/** Ollama is a keyless local server: no API key field. */
export const takesKey = (choice: ProviderChoice): boolean => choice !== 'ollama';
/** The provider the API stores for a choice: an OpenAI-compatible API is OpenAI with a base URL. */
export const apiProviderOf = (choice: ProviderChoice): 'openai' | 'anthropic' | 'ollama' => (choice === 'openai_compatible' ? 'openai' : choice);

/** One account as `PUT /v1/tenant/llm` and `PUT /v1/admin/platform-llm` take it; `api_key` only when one was typed. */
export interface LlmAccountInput {
  provider: 'openai' | 'anthropic' | 'ollama';
  base_url: string | null;
  cheap_model: string | null;
  premium_model: string | null;
  api_key?: string;
}

/**
 * Reads and checks the fields of one {@link LlmAccountFields} from a submitted form: a base URL
 * where the provider needs one (a valid URL), a key where the provider takes one and `keyRequired`
 * (false when the stored key may be kept). Errors are by field name (with the prefix).
 */
export function readLlmAccount(data: FormData, choice: ProviderChoice, { prefix = '', keyRequired }: { prefix?: string; keyRequired: boolean }): { account: LlmAccountInput; errors: FieldErrors } {
  const text = (name: string) => String(data.get(`${prefix}${name}`) ?? '').trim();
  const baseUrl = needsBaseUrl(choice) ? text('base_url') : '';
  const apiKey = takesKey(choice) ? text('api_key') : '';
  const errors: FieldErrors = {};
  if (needsBaseUrl(choice) && !baseUrl) errors[`${prefix}base_url`] = 'llmKeys.baseUrlRequired';
  else if (baseUrl && !URL.canParse(baseUrl)) errors[`${prefix}base_url`] = 'llmKeys.baseUrlInvalid';
  if (takesKey(choice) && !apiKey && keyRequired) errors[`${prefix}api_key`] = 'validation.keyRequired';
  const account: LlmAccountInput = {
    provider: apiProviderOf(choice),
    base_url: baseUrl || null,
    cheap_model: text('cheap_model') || null,
    premium_model: text('premium_model') || null,
    ...(apiKey ? { api_key: apiKey } : {}),
  };
  return { account, errors };
}

/** Props of {@link LlmAccountFields}. */
export interface LlmAccountFieldsProps {
  /** The selected provider. */
  choice: ProviderChoice;
  /** Called when the owner picks another provider. */
  onChoice: (choice: ProviderChoice) => void;
  /** Prefix of every field name (`''` or `failover_`). */
  prefix?: string;
  /** The visible labels (already translated). */
  labels: { provider: string; baseUrl: string; apiKey: string; cheapModel: string; premiumModel: string };
  /** Hints under the key and model fields (already translated). */
  hints: { apiKey: string; cheapModel?: string; premiumModel?: string };
  /** The stored values shown as defaults (never the key). */
  defaults: { base_url?: string | null; cheap_model?: string | null; premium_model?: string | null };
  /** Field errors by field name (i18n keys). */
  errors: FieldErrors;
}

/** Provider, base URL, API key and models of one LLM account. */
export function LlmAccountFields({ choice, onChoice, prefix = '', labels, hints, defaults, errors }: LlmAccountFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <FormField label={labels.provider}>
        <NativeSelect name={`${prefix}provider`} value={choice} onChange={(event) => onChoice(event.target.value as ProviderChoice)}>
          {providerChoices.map((p) => (
            <option key={p} value={p}>
              {t(`llmKeys.providers.${p}`)}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      {needsBaseUrl(choice) ? (
        <FormField label={labels.baseUrl} hint={t(choice === 'ollama' ? 'llmKeys.baseUrlOllamaHint' : 'llmKeys.baseUrlHint')} error={errors[`${prefix}base_url`]}>
          <Input
            name={`${prefix}base_url`}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            defaultValue={defaults.base_url ?? ''}
            placeholder={choice === 'ollama' ? 'http://127.0.0.1:11434' : 'https://api.deepseek.com/v1'}
          />
        </FormField>
      ) : null}
      {takesKey(choice) ? (
        <FormField label={labels.apiKey} hint={hints.apiKey} error={errors[`${prefix}api_key`]}>
          <Input name={`${prefix}api_key`} type="password" autoComplete="off" spellCheck={false} placeholder={choice === 'anthropic' ? 'sk-ant-…' : 'sk-…'} />
        </FormField>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label={labels.cheapModel} hint={hints.cheapModel}>
          <Input name={`${prefix}cheap_model`} autoComplete="off" spellCheck={false} defaultValue={defaults.cheap_model ?? ''} placeholder="gpt-4o-mini" />
        </FormField>
        <FormField label={labels.premiumModel} hint={hints.premiumModel}>
          <Input name={`${prefix}premium_model`} autoComplete="off" spellCheck={false} defaultValue={defaults.premium_model ?? ''} placeholder="gpt-4o" />
        </FormField>
      </div>
    </>
  );
}
