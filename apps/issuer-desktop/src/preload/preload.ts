// Electron preload (sandboxed, contextIsolation on): exposes `window.issuer` with exactly the
// channels of the table; the renderer never gets ipcRenderer itself. Bundled to CommonJS.
import { contextBridge, ipcRenderer } from "electron";
import { CHANNEL_NAMES } from "../shared/channels.js";

const IPC_PREFIX = "issuer:";
const IPC_EVENT = "issuer:event";
const allowed = new Set<string>(CHANNEL_NAMES);

contextBridge.exposeInMainWorld("issuer", {
  invoke(channel: string, input: unknown) {
    if (!allowed.has(channel)) return Promise.reject(new Error(`unknown channel ${channel}`));
    return ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, input);
  },
  subscribe(listener: (event: unknown) => void) {
    const handler = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
});
