// Builds the mini-game project into packages/minigame/dist, the folder an operator opens in
// WeChat DevTools and uploads: game.json and project.config.json, the main package's game.js,
// the puzzle subpackage (puzzle/game.js) and the voice prompts. Each bundle is one IIFE script
// (a mini-game runs `game.js` as a plain script), minified, lowered to ES2020 (private fields become WeakMaps) for older phones.
//   FAIRGROUND_MINIGAME_SERVER  the https origin of the platform the package talks to
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const MINIGAME_DIR = fileURLToPath(new URL('.', import.meta.url));
export const MINIGAME_DIST = join(MINIGAME_DIR, 'dist');
const DEFAULT_SERVER = 'https://fairground.example.com';

async function bundle(entry: string, outDir: string, server: string): Promise<void> {
  await build({
    configFile: false,
    root: MINIGAME_DIR,
    logLevel: 'warn',
    define: { FAIRGROUND_SERVER: JSON.stringify(server) },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      copyPublicDir: false,
      lib: { entry: join(MINIGAME_DIR, entry), formats: ['iife'], name: 'fairgroundMinigame', fileName: () => 'game.js' },
    },
  });
}

export async function buildMinigame(): Promise<void> {
  const server = process.env.FAIRGROUND_MINIGAME_SERVER ?? DEFAULT_SERVER;
  if (!/^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(server)) throw new Error(`FAIRGROUND_MINIGAME_SERVER must be an origin, got ${server}`);
  rmSync(MINIGAME_DIST, { recursive: true, force: true });
  mkdirSync(MINIGAME_DIST, { recursive: true });
  await bundle('src/main.ts', MINIGAME_DIST, server);
  await bundle('src/puzzle/index.ts', join(MINIGAME_DIST, 'puzzle'), server);
  for (const f of ['game.json', 'project.config.json']) copyFileSync(join(MINIGAME_DIR, f), join(MINIGAME_DIST, f));
  const audio = join(MINIGAME_DIR, 'static', 'audio');
  if (existsSync(audio)) {
    mkdirSync(join(MINIGAME_DIST, 'audio'), { recursive: true });
    for (const f of readdirSync(audio)) copyFileSync(join(audio, f), join(MINIGAME_DIST, 'audio', f));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await buildMinigame();
