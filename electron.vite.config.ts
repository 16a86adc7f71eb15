import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// Custom roots (see docs/architecture.md): main, preload and the loopback web host are built
// from electron/, the renderer from renderer/. Packages in `dependencies` stay external.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          webhost: resolve(__dirname, 'electron/web/cli.ts'),
          // The background worker (db/background.ts): the full check and backups.
          dbworker: resolve(__dirname, 'db/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'electron/preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
        // The engine is pure (eslint's engine rules: no clock, no I/O, no randomness), so a module
        // of it whose exports the renderer does not use is left out, top-level schemas included:
        // the first screen's script then holds no case or pack schema (they come with the forms'
        // chunks, renderer/src/app/screens.ts).
        treeshake: { moduleSideEffects: (id: string) => !id.startsWith(resolve(__dirname, 'engine') + '/') },
      },
    },
    plugins: [react()],
  },
})
