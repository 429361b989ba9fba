/** The foot of a dialog's edit form: the server's refusal, then Cancel and Save. */
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from './api-error-alert';
import { Button } from './ui/button';
import { DialogFooter } from './ui/dialog';

/** Props of {@link DialogFormFooter}. */
export interface DialogFormFooterProps {
  /** The save call: its error is shown, and Save is disabled while it runs. */
  save: { error: unknown; isPending: boolean };
  /** Closes the dialog without saving. */
  onCancel: () => void;
  /** Save's text (already translated); "Lưu" / "Save" by default. */
  saveLabel?: string;
}

/** Error alert, Cancel and the form's submit button. */
export function DialogFormFooter({ save, onCancel, saveLabel }: DialogFormFooterProps) {
  const { t } = useTranslation();
  return (
    <>
      <ApiErrorAlert error={save.error} />
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" disabled={save.isPending}>
          {saveLabel ?? t('common.save')}
        </Button>
      </DialogFooter>
    </>
  );
}
