/** The end of a settings form: the server's refusal, "saved" once the save worked, and Save. */
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from './api-error-alert';
import { Alert } from './ui/alert';
import { Button } from './ui/button';

/** Props of {@link FormSaveRow}. */
export interface FormSaveRowProps {
  /** The save call: its error or success is shown, and Save is disabled while it runs. */
  save: { error: unknown; isSuccess: boolean; isPending: boolean };
  /** The success message (already translated); "Đã lưu thay đổi." / "Changes saved." (`common.saved`) by default. */
  savedLabel?: string;
  /** Save's text (already translated); "Lưu" / "Save" (`common.save`) by default. */
  saveLabel?: string;
}

/** Error alert, success alert and the form's submit button. */
export function FormSaveRow({ save, savedLabel, saveLabel }: FormSaveRowProps) {
  const { t } = useTranslation();
  return (
    <>
      <ApiErrorAlert error={save.error} />
      {save.isSuccess ? <Alert variant="success">{savedLabel ?? t('common.saved')}</Alert> : null}
      <div>
        <Button type="submit" disabled={save.isPending}>
          {saveLabel ?? t('common.save')}
        </Button>
      </div>
    </>
  );
}
