import { describe, expect, it } from 'vitest';
import { createLineChannelFromConfig } from './line-connection-config';

describe('createLineChannelFromConfig', () => {
  it('maps LINE key names and rejects bad configs with a 400', () => {
    expect(createLineChannelFromConfig({ channel_secret: 's', channel_access_token: 't' }).platform).toBe('line');
    expect(() => createLineChannelFromConfig({ channel_secret: '' })).toThrow(expect.objectContaining({ status: 400, code: 'validation_failed' }));
  });
});
