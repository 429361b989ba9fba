import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildWidgetAssets, packageRoot, toAsset, WIDGET_FILES, type WidgetAssets } from './build-widget';

let cached: Promise<WidgetAssets> | undefined;

/** The folder holding the built `widget.js`, `chat.js` and `chat.css` (for static hosting or a CDN). */
export function widgetAssetsDir(): string {
  return join(packageRoot(), 'dist', 'widget');
}

/**
 * Loads the built widget files from `dist/widget/` (cached). Inside the monorepo, before a build,
 * it builds them in memory with esbuild instead.
 *
 * @example
 * ```ts
 * const { loader } = await widgetAssets();
 * app.get('/widget.js', (_req, res) => res.type(loader.contentType).set('etag', loader.etag).send(loader.body));
 * ```
 */
export function widgetAssets(): Promise<WidgetAssets> {
  cached ??= (async () => {
    const dir = widgetAssetsDir();
    if (Object.values(WIDGET_FILES).every((file) => existsSync(join(dir, file)))) {
      const read = (file: string) => readFile(join(dir, file), 'utf8');
      return {
        loader: toAsset(await read(WIDGET_FILES.loader), 'text/javascript; charset=utf-8'),
        appScript: toAsset(await read(WIDGET_FILES.appScript), 'text/javascript; charset=utf-8'),
        appStyle: toAsset(await read(WIDGET_FILES.appStyle), 'text/css; charset=utf-8'),
      };
    }
    return buildWidgetAssets();
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
