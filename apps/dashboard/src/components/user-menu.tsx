/** The user menu: who is signed in, their role, and logout. */
import { useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CircleUser, LogOut } from 'lucide-react';
import { useApi, useSession } from '../api/api-context';
import { Button } from './ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from './ui/dropdown-menu';

/** The account menu in the header. */
export function UserMenu() {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const role = useSession((s) => s.tenant?.role);
  const logout = async () => {
    await client.logout();
    queryClient.clear();
    await navigate({ to: '/login' });
  };
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={t('shell.userMenu')}>
          <CircleUser className="h-5 w-5" aria-hidden="true" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>
          <span className="block truncate">{user?.name ?? user?.email}</span>
          <span className="block truncate text-xs font-normal text-muted-foreground">{user?.email}</span>
          {role ? <span className="block text-xs font-normal text-muted-foreground">{t(`roles.${role}`)}</span> : null}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void logout()}>
          <LogOut className="h-4 w-4" aria-hidden="true" />
          {t('shell.logout')}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
