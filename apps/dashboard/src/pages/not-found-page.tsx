/** Shown for unknown paths. */
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

/** The 404 page. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <main className="mx-auto grid max-w-md gap-4 p-8 text-center">
      <h1 className="text-2xl font-bold">{t('notFound.title')}</h1>
      <p className="text-muted-foreground">{t('notFound.body')}</p>
      <Link to="/" className="text-primary underline">
        {t('notFound.home')}
      </Link>
    </main>
  );
}
