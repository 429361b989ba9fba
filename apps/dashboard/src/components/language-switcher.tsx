/** Switches between Vietnamese and English (a labelled native select: keyboard-friendly). */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { changeLanguage, languages, type Language } from '../i18n';
import { NativeSelect } from './ui/input';

/** The language picker. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        {t('common.language')}
      </label>
      <NativeSelect
        id={id}
        className="h-9 w-auto"
        value={i18n.language.startsWith('en') ? 'en' : 'vi'}
        onChange={(event) => void changeLanguage(i18n, event.target.value as Language)}
      >
        {languages.map((lng) => (
          <option key={lng} value={lng}>
            {lng === 'vi' ? 'Tiếng Việt' : 'English'}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
