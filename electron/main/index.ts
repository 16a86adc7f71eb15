// Composition root of the main process: the only main-process file that imports `electron`.
// Everything it wires is in app.ts and takes Electron's objects as arguments, so it is tested
// under plain Node with a stub.
import path from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell } from 'electron'
import { startApp } from './app'

startApp(
  { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell },
  {
    outDir: path.join(__dirname, '..'),
    argv: process.argv,
    env: process.env,
    platform: process.platform,
    packaged: app.isPackaged,
  },
)
