/** Shows a failed call's message in the reader's language (`message_vi` or `message`). */
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/api-error';
import { Alert } from './ui/alert';

/** An alert for `error`, or nothing when there is none. */
export function ApiErrorAlert({ error }: { error: unknown }) {
  const { i18n } = useTranslation();
  if (!error) return null;
  return <Alert variant="destructive">{errorMessage(error, i18n.language)}</Alert>;
}
