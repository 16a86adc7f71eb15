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
    build: { minify: true, rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } } },
    plugins: [react()],
  },
})
