/** The short step-by-step guide of one provider (what to paste where), from the locales. */
import { useTranslation } from 'react-i18next';
import type { ChannelType } from '../onboarding/api-types';
import { providerOf } from './providers';

/** A provider's numbered guide inside a disclosure (keyboard-usable `<details>`). */
export function ProviderGuide({ type, open = false }: { type: ChannelType | 'web'; open?: boolean }) {
  const { t } = useTranslation();
  const steps = type === 'web' ? 3 : providerOf(type).guideSteps;
  return (
    <details open={open} className="rounded-md border p-3 text-sm">
      <summary className="cursor-pointer font-medium">{t('channels.guideTitle', { provider: t(`channels.types.${type}`) })}</summary>
      <ol className="mt-2 list-decimal space-y-1 pl-5">
        {Array.from({ length: steps }, (_, i) => (
          <li key={i}>{t(`channels.guides.${type}.${i + 1}`)}</li>
        ))}
      </ol>
    </details>
  );
}
