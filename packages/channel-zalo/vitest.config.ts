import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'channel-zalo' },
});
