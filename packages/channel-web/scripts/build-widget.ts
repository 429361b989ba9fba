// Builds dist/widget/{widget.js,chat.js,chat.css} after tsup (run by `pnpm build`).
import { gzipSync } from 'node:zlib';
import { buildWidgetAssets } from '../src/assets/build-widget';
import { widgetAssetsDir } from '../src/assets/widget-assets';

const assets = await buildWidgetAssets({ outDir: widgetAssetsDir() });
for (const [name, asset] of Object.entries(assets)) {
  console.log(`${name}: ${asset.body.length} B, ${gzipSync(asset.body).length} B gzip`);
}
