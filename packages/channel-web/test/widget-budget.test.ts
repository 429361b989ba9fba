import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidgetAssets } from '../src/assets/build-widget';
import { widgetAssets, widgetAssetsDir } from '../src/assets/widget-assets';

describe('widget bundle budgets', () => {
  it('loader ≤ 5 KB gzip, chat app (script + style) ≤ 60 KB gzip, and no postMessage to "*"', async () => {
    const assets = await buildWidgetAssets();
    const gz = (text: string) => gzipSync(text, { level: 9 }).length;
    const loader = gz(assets.loader.body);
    const app = gz(assets.appScript.body) + gz(assets.appStyle.body);
    console.log(`widget.js ${loader} B gzip; chat app ${app} B gzip`);
    expect(loader).toBeLessThanOrEqual(5 * 1024);
    expect(app).toBeLessThanOrEqual(60 * 1024);
    for (const code of [assets.loader.body, assets.appScript.body]) {
      expect(code).toContain('postMessage');
      expect(code).not.toMatch(/postMessage\([^)]*["'`]\*["'`]/);
      // Every receiver checks where a message came from.
      expect(code).toMatch(/\.origin\s*!==/);
    }
  });

  it('widgetAssets() serves the built files (dist/widget, or an in-memory build before one) with ETags', async () => {
    expect(widgetAssetsDir()).toMatch(/channel-web[\\/]dist[\\/]widget$/);
    const assets = await widgetAssets();
    expect(assets.loader.body).toContain('acb:opened');
    expect(assets.appScript.body).toContain('acb:close');
    expect(assets.appStyle.contentType).toContain('text/css');
    expect(assets.loader.etag).toMatch(/^"[\w-]{16}"$/);
    expect(await widgetAssets()).toBe(assets);
  });
});
