/**
 * `/app/settings/white-label`: the shop's own brand on the dashboard and public pages — brand
 * name, logo (an https address or a small uploaded image), primary and accent colours — and where
 * customers reach it: a subdomain of the platform (`spa1.<platform domain>`) or the shop's own
 * domain, with the CNAME record to create at its DNS provider.
 */
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { CopyButton } from '../components/copy-button';
import { FormField } from '../components/form-field';
import { FormSaveRow } from '../components/form-save-row';
import { PageHeader } from '../components/page-header';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card';
import { Input } from '../components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import type { FieldErrors } from '../lib/forms';
import { onboardingKeys, type WhiteLabel, type WhiteLabelUpdate } from './onboarding/api-types';

/** The largest logo file accepted for upload (it is stored inline as a data URL). */
export const MAX_LOGO_BYTES = 32 * 1024;

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{1,30}[a-z0-9])$/;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Reads and checks the form: empty fields become null (removed). */
export function whiteLabelFormValues(form: HTMLFormElement, logo: string | null): { body: WhiteLabelUpdate; errors: FieldErrors } {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const errors: FieldErrors = {};
  const primary = text('primary_color');
  const accent = text('accent_color');
  const subdomain = text('subdomain').toLowerCase();
  const domain = text('custom_domain').toLowerCase();
  if (primary && !COLOUR.test(primary)) errors['primary_color'] = 'whiteLabel.badColor';
  if (accent && !COLOUR.test(accent)) errors['accent_color'] = 'whiteLabel.badColor';
  if (subdomain && !SUBDOMAIN.test(subdomain)) errors['subdomain'] = 'whiteLabel.badSubdomain';
  if (domain && !DOMAIN.test(domain)) errors['custom_domain'] = 'whiteLabel.badDomain';
  if (logo && !/^(https:\/\/\S+|data:image\/(png|jpeg|webp|gif);base64,\S+)$/.test(logo)) errors['logo_url'] = 'whiteLabel.badLogo';
  return {
    body: {
      brand_name: text('brand_name') || null,
      logo_url: logo || null,
      primary_color: primary || null,
      accent_color: accent || null,
      subdomain: subdomain || null,
      custom_domain: domain || null,
    },
    errors,
  };
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

function WhiteLabelForm({ settings }: { settings: WhiteLabel }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [logo, setLogo] = useState<string | null>(settings.logo_url ?? null);
  const save = useMutation({
    mutationFn: (body: WhiteLabelUpdate) => unwrap(client.api.PUT('/v1/tenant/white-label', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(onboardingKeys.whiteLabel, saved);
      // The app shell reads the brand from the tenant.
      void queryClient.invalidateQueries({ queryKey: ['tenant'], exact: true });
    },
  });
  const pickFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_LOGO_BYTES || !/^image\/(png|jpeg|webp|gif)$/.test(file.type)) {
      setErrors((e) => ({ ...e, logo_url: 'whiteLabel.logoTooLarge' }));
      return;
    }
    setErrors((e) => ({ ...e, logo_url: undefined }));
    setLogo(await readAsDataUrl(file));
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: found } = whiteLabelFormValues(event.currentTarget, logo);
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate(body);
  };
  const current = save.data ?? settings;
  return (
    <form noValidate onSubmit={submit} className="grid gap-4">
      <FormField label={t('whiteLabel.brandName')} hint={t('whiteLabel.brandNameHint')}>
        <Input name="brand_name" defaultValue={settings.brand_name ?? ''} maxLength={80} />
      </FormField>
      <FormField label={t('whiteLabel.logoUrl')} hint={t('whiteLabel.logoHint')} error={errors['logo_url']}>
        <Input
          name="logo_url_text"
          type="url"
          value={logo?.startsWith('data:') ? '' : (logo ?? '')}
          placeholder={logo?.startsWith('data:') ? t('whiteLabel.logoUploaded') : 'https://'}
          onChange={(event) => setLogo(event.target.value.trim() || null)}
          spellCheck={false}
        />
      </FormField>
      <FormField label={t('whiteLabel.logoFile')}>
        <Input name="logo_file" type="file" accept="image/png,image/jpeg,image/webp,image/gif" onChange={(event) => void pickFile(event)} />
      </FormField>
      {logo ? (
        <div className="flex items-center gap-3">
          <img src={logo} alt={t('whiteLabel.logoPreview')} className="h-12 w-auto rounded border" />
          <Button type="button" variant="ghost" size="sm" onClick={() => setLogo(null)}>
            {t('whiteLabel.removeLogo')}
          </Button>
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label={t('whiteLabel.primaryColor')} hint={t('whiteLabel.colorHint')} error={errors['primary_color']}>
          <Input name="primary_color" defaultValue={settings.primary_color ?? ''} maxLength={7} placeholder="#0f766e" spellCheck={false} />
        </FormField>
        <FormField label={t('whiteLabel.accentColor')} hint={t('whiteLabel.colorHint')} error={errors['accent_color']}>
          <Input name="accent_color" defaultValue={settings.accent_color ?? ''} maxLength={7} placeholder="#f59e0b" spellCheck={false} />
        </FormField>
      </div>
      <FormField label={t('whiteLabel.subdomain')} hint={t('whiteLabel.subdomainHint', { domain: settings.platform_domain })} error={errors['subdomain']}>
        <Input name="subdomain" defaultValue={settings.subdomain ?? ''} maxLength={32} spellCheck={false} />
      </FormField>
      <FormField label={t('whiteLabel.customDomain')} hint={t('whiteLabel.customDomainHint')} error={errors['custom_domain']}>
        <Input name="custom_domain" defaultValue={settings.custom_domain ?? ''} maxLength={253} placeholder="chat.shop.vn" spellCheck={false} />
      </FormField>
      <FormSaveRow save={save} />
      <Addresses settings={current} />
    </form>
  );
}

function Addresses({ settings }: { settings: WhiteLabel }) {
  const { t } = useTranslation();
  if (!settings.subdomain_host && settings.dns_records.length === 0) return null;
  return (
    <section aria-labelledby="white-label-addresses" className="grid gap-3 border-t pt-4">
      <h2 id="white-label-addresses" className="font-semibold">
        {t('whiteLabel.addresses')}
      </h2>
      {settings.subdomain_host ? (
        <p className="text-sm">
          {t('whiteLabel.subdomainReady')} <code className="rounded bg-muted px-1">https://{settings.subdomain_host}</code>
        </p>
      ) : null}
      {settings.dns_records.length > 0 ? (
        <>
          <p className="text-sm">{t('whiteLabel.dnsIntro')}</p>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('whiteLabel.dnsType')}</TableHead>
                <TableHead>{t('whiteLabel.dnsName')}</TableHead>
                <TableHead>{t('whiteLabel.dnsValue')}</TableHead>
                <TableHead>
                  <span className="sr-only">{t('common.actions')}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {settings.dns_records.map((record) => (
                <TableRow key={record.name}>
                  <TableCell>{record.type}</TableCell>
                  <TableCell className="font-mono">{record.name}</TableCell>
                  <TableCell className="font-mono">{record.value}</TableCell>
                  <TableCell>
                    <CopyButton value={record.value} label={t('whiteLabel.copyTarget')} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <p className="text-xs text-muted-foreground">{t('whiteLabel.dnsNote')}</p>
        </>
      ) : null}
    </section>
  );
}

/** The white-label settings page. */
export function WhiteLabelPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const settings = useQuery({ queryKey: onboardingKeys.whiteLabel, queryFn: () => unwrap(client.api.GET('/v1/tenant/white-label')) });
  return (
    <>
      <PageHeader title={t('whiteLabel.title')} description={t('whiteLabel.description')} />
      <ApiErrorAlert error={settings.error} />
      {settings.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {settings.data ? (
        <Card className="max-w-3xl">
          <CardHeader>
            <CardTitle>{t('whiteLabel.formTitle')}</CardTitle>
            <CardDescription>{t('whiteLabel.formDescription')}</CardDescription>
          </CardHeader>
          <CardContent>
            <WhiteLabelForm settings={settings.data} />
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
