import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}'],
    environment: 'node',
    // better-sqlite3-multiple-ciphers is a native module: forks isolate it more predictably than threads.
    pool: 'forks',
    testTimeout: 20_000,
  },
})
