/**
 * `@agent-chatbot/testkit/fake-channels`: fake Zalo, Graph (Messenger), Telegram and LINE servers
 * on 127.0.0.1, webhook drivers that sign like each provider, and a recording channel host.
 * @packageDocumentation
 */
export * from './fake-http-server';
export * from './recording-host';
export * from './webhook-signers';
export * from './webhook-driver';
export * from './fake-zalo';
export * from './zalo-webhook-driver';
export * from './fake-http-proxy';
export * from './fake-telegram';
export * from './telegram-webhook-driver';
export * from './fake-graph';
export * from './messenger-webhook-driver';
export * from './fake-line';
export * from './line-webhook-driver';
