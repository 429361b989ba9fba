/**
 * The inbox's live connection: asks the runtime for a short-lived stream ticket (normal bearer
 * auth), opens `EventSource(/v1/tenant/inbox/stream?ticket=…)` and hands every inbox event to
 * `onEvent`. A ticket works once, so on any error the hook closes the source and reconnects after
 * a few seconds with a fresh ticket and `last_event_id` — the runtime replays what was missed.
 */
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/api-context';

/** One inbox event as the runtime streams it. */
export interface InboxStreamEvent {
  id: string;
  type: string;
  conversation_id: string | null;
  payload: Record<string, unknown>;
  created_at: string;
}

/** Event names the runtime sends. */
export const INBOX_EVENT_NAMES = ['message.created', 'conversation.mode', 'conversation.assigned', 'conversation.read', 'note.created', 'handoff.requested'] as const;

/** Connection state shown to the agent. */
export type StreamStatus = 'connecting' | 'live' | 'offline';

const RECONNECT_MS = 3000;

/** Subscribes to the tenant's inbox events while the component is mounted. */
export function useInboxStream(onEvent: (event: InboxStreamEvent) => void): StreamStatus {
  const { client } = useApi();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    const Source = globalThis.EventSource;
    if (typeof Source === 'undefined') {
      setStatus('offline');
      return;
    }
    let source: EventSource | null = null;
    let stopped = false;
    let lastId = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const retry = () => {
      if (stopped) return;
      setStatus('offline');
      timer = setTimeout(() => void open(), RECONNECT_MS);
    };
    const open = async () => {
      let url: string | undefined;
      try {
        const { data } = await client.api.POST('/v1/tenant/inbox/stream-ticket');
        url = data?.url;
      } catch {
        url = undefined;
      }
      if (stopped) return;
      if (!url) return retry();
      source = new Source(lastId ? `${url}&last_event_id=${encodeURIComponent(lastId)}` : url);
      source.addEventListener('ready', () => setStatus('live'));
      for (const name of INBOX_EVENT_NAMES) {
        source.addEventListener(name, (raw) => {
          const message = raw as MessageEvent<string>;
          try {
            const event = JSON.parse(message.data) as InboxStreamEvent;
            lastId = event.id || message.lastEventId || lastId;
            handler.current(event);
          } catch {
            // A malformed event is skipped; the next refetch shows the truth.
          }
        });
      }
      source.onerror = () => {
        source?.close();
        source = null;
        retry();
      };
    };
    void open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, [client]);
  return status;
}
