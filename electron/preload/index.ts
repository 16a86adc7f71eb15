// Preload entry: the only preload file that imports `electron`. Runs sandboxed with context
// isolation; exposes exactly one object built from the contract's call list.
import { contextBridge, ipcRenderer } from 'electron'
import { buildBridge } from './bridge'

contextBridge.exposeInMainWorld(
  'pnet',
  buildBridge((channel, payload) => ipcRenderer.invoke(channel, payload)),
)
