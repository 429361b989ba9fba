/**
 * Browser entry: the API lives on the same origin (the runtime serves the dashboard; in
 * development Vite proxies `/v1` to it).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createApiClient } from './api/client';
import { createSessionStore } from './api/session-store';
import { createI18n, storedLanguage } from './i18n';
import './index.css';

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const storage = safeStorage();
const session = createSessionStore(storage);
const client = createApiClient({ baseUrl: window.location.origin, session });
const i18n = await createI18n(storedLanguage(storage));
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App client={client} session={session} i18n={i18n} />
  </StrictMode>,
);
