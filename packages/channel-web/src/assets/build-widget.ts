import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One static widget file. */
export interface WidgetAsset {
  /** File contents. */
  readonly body: string;
  /** `Content-Type` to serve it with. */
  readonly contentType: string;
  /** Strong ETag (content hash); also the `?v=` cache buster in the chat page. */
  readonly etag: string;
}

/** The built widget: the loader, the chat app's script and stylesheet. */
export interface WidgetAssets {
  /** Served at `/widget.js` (≤ 5 KB gzip). */
  readonly loader: WidgetAsset;
  /** Served at `<base>/chat.js`. */
  readonly appScript: WidgetAsset;
  /** Served at `<base>/chat.css`. */
  readonly appStyle: WidgetAsset;
}

/** The file names under `dist/widget/`. */
export const WIDGET_FILES = { loader: 'widget.js', appScript: 'chat.js', appStyle: 'chat.css' } as const;

/**
 * The channel-web package folder. Resolved by package name first, so it is right even when this
 * code is bundled into another app (the runtime); then by walking up from this file.
 */
export function packageRoot(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('@agent-chatbot/channel-web/package.json'));
  } catch {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 4; i++) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes('"@agent-chatbot/channel-web"')) return dir;
      dir = dirname(dir);
    }
    throw new Error('The @agent-chatbot/channel-web package folder was not found');
  }
}

/** Wraps file contents as an asset. */
export function toAsset(body: string, contentType: string): WidgetAsset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

interface EsbuildLike {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: Array<{ text: string }> }>;
}

/**
 * Builds the widget with esbuild (a devDependency: used by `pnpm build` and by
 * {@link widgetAssets} inside the monorepo, where `dist/` may not exist yet).
 */
export async function buildWidgetAssets(options: { outDir?: string } = {}): Promise<WidgetAssets> {
  const root = packageRoot();
  // Resolved from this package (its devDependency), at run time, so bundlers never pull esbuild in.
  const esbuildEntry = createRequire(join(root, 'package.json')).resolve('esbuild');
  const esbuild = (await import(/* @vite-ignore */ pathToFileURL(esbuildEntry).href)) as EsbuildLike;
  const bundle = async (entry: string) => {
    const result = await esbuild.build({
      entryPoints: [join(root, 'widget', entry)],
      bundle: true,
      minify: true,
      write: false,
      format: entry.endsWith('.css') ? undefined : 'iife',
      target: entry.endsWith('.css') ? ['chrome90', 'safari14'] : 'es2019',
      legalComments: 'none',
      logLevel: 'silent',
    });
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
    return text;
  };
  const [loader, appScript, appStyle] = await Promise.all([bundle('loader.ts'), bundle('app/main.ts'), bundle('app/chat.css')]);
  const assets: WidgetAssets = {
    loader: toAsset(loader, 'text/javascript; charset=utf-8'),
    appScript: toAsset(appScript, 'text/javascript; charset=utf-8'),
    appStyle: toAsset(appStyle, 'text/css; charset=utf-8'),
  };
  if (options.outDir) {
    await mkdir(options.outDir, { recursive: true });
    await Promise.all(
      (Object.keys(WIDGET_FILES) as Array<keyof typeof WIDGET_FILES>).map((name) => writeFile(join(options.outDir as string, WIDGET_FILES[name]), assets[name].body)),
    );
  }
  return assets;
}
