-- Quick replies of an outgoing message (issue 5): the engine's suggested replies (e.g. "Gặp nhân
-- viên" after a fallback), sent as each channel's native buttons. They are part of the message,
-- not of one delivery job, so every (re)delivery — the handler's own retries, a staff retry of a
-- dead letter, any later path — sends the same buttons, and the web widget shows them again when
-- it reloads its history. An array of strings; empty when the message has none.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS quick_replies jsonb NOT NULL DEFAULT '[]'::jsonb;
