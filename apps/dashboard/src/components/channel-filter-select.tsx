/** The labelled channel filter of a search form (conversations, customers). */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS } from '../api/content-types';
import { NativeSelect } from './ui/input';
import { Label } from './ui/label';

/** A `channel` select: every channel, or all of them (the empty value). */
export function ChannelFilterSelect() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{t('conversations.channel')}</Label>
      <NativeSelect id={id} name="channel" defaultValue="">
        <option value="">{t('conversations.allChannels')}</option>
        {CHANNELS.map((channel) => (
          <option key={channel} value={channel}>
            {t(`conversations.channels.${channel}`)}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
