// Recorded TeamChat webhook bodies (raw strings, exactly as the provider sends them).

/** A customer's message in a channel. */
export const messageBody = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev0001',
  team_id: 'T0SHOP',
  event_time: 1_764_000_000,
  event: { type: 'message', channel: 'C0SUPPORT', user: 'U0LAN', user_name: 'Nguyễn Thị Lan', text: 'Shop ơi, áo thun size M còn không ạ?', ts: '1764000000.000100' },
});

/** A reply inside a thread (the conversation is the thread). */
export const threadBody = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev0002',
  team_id: 'T0SHOP',
  event: { type: 'message', channel: 'C0SUPPORT', user: 'U0MINH', text: 'phi ship di Da Nang bao nhieu?', ts: '1764000100.000200', thread_ts: '1764000000.000100' },
  extra_field_from_a_newer_api: { ignored: true },
});

/** The bot's own reply echoed back: must yield nothing. */
export const botEchoBody = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev0003',
  team_id: 'T0SHOP',
  event: { type: 'message', channel: 'C0SUPPORT', bot_id: 'B0BOT', text: 'Dạ còn ạ', ts: '1764000200.000300' },
});

/** A reaction: not a message, yields nothing. */
export const reactionBody = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev0004',
  team_id: 'T0SHOP',
  event: { type: 'reaction_added', channel: 'C0SUPPORT', user: 'U0LAN', ts: '1764000300.000400' },
});
