/**
 * react-i18next set-up: Vietnamese by default, English second; the choice is remembered in
 * `localStorage` and mirrored to `<html lang>` so screen readers pronounce the page correctly.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import vi from '../locales/vi.json';

/** Languages the dashboard speaks, Vietnamese first. */
export const languages = ['vi', 'en'] as const;
/** One of {@link languages}. */
export type Language = (typeof languages)[number];

const languageKey = 'agent-chatbot.language';

/** Reads the remembered language (Vietnamese when none or unknown). */
export function storedLanguage(storage: Pick<Storage, 'getItem'> | null): Language {
  const value = storage?.getItem(languageKey);
  return value === 'en' ? 'en' : 'vi';
}

/** Remembers `language` and applies it. */
export async function changeLanguage(i18n: I18n, language: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(languageKey, language);
  } catch {
    // Private mode may refuse storage; the choice then lasts for this visit only.
  }
  await i18n.changeLanguage(language);
}

/**
 * Creates an initialised i18next instance.
 *
 * @example const i18n = await createI18n('vi');
 */
export async function createI18n(language: Language = 'vi'): Promise<I18n> {
  const instance = i18next.createInstance();
  instance.on('languageChanged', (lng) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lng;
  });
  await instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'vi',
    supportedLngs: [...languages],
    resources: { vi: { translation: vi }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}
