/**
 * Publish/subscribe for realtime fan-out between api replicas, version 1. Messages are
 * JSON-serialisable. In-memory in core, Redis in `@agent-chatbot/cache-redis`.
 */
export interface PubSubV1 {
  /** Contract version this implementation follows. */
  readonly specificationVersion: 'v1';
  /** Sends `message` to every subscriber of `channel` (in this process and, for Redis, every replica). */
  publish(channel: string, message: unknown): Promise<void>;
  /** Subscribes; resolves once the subscription is active. Returns the function that unsubscribes. */
  subscribe(channel: string, listener: (message: unknown) => void): Promise<() => Promise<void>>;
  /** Closes connections and drops every subscription. */
  disconnect?(): Promise<void>;
}
