import { RhcError } from "@rhc/errors";
import type { IssuerApp } from "../app/create-issuer-app.js";
import { CHANNEL_NAMES, type Envelope, type IssuerEvent } from "../shared/channels.js";

/** IPC channel names: one per channel of the table, plus the event push. */
export const IPC_PREFIX = "issuer:";
export const IPC_EVENT = "issuer:event";

/** What the bridge needs from Electron's ipcMain (a parameter, so it runs under plain Node in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, input: unknown) => unknown): void;
  removeHandler(channel: string): void;
}

/**
 * Registers every channel of the table with ipcMain. Only frames showing the app's own renderer
 * may call; everything else is answered with ORIGIN_REJECTED. Inputs are validated by the service
 * (zod), exactly as over HTTP.
 */
export function registerIpcChannels(ipc: IpcMainLike, app: IssuerApp, isAppUrl: (url: string) => boolean): () => void {
  for (const name of CHANNEL_NAMES) {
    ipc.handle(`${IPC_PREFIX}${name}`, async (event, input): Promise<Envelope<unknown>> => {
      const url = event.senderFrame?.url ?? "";
      if (!isAppUrl(url)) {
        return { ok: false, problem: new RhcError("ORIGIN_REJECTED", { detail: url || "unknown frame" }).toProblem() };
      }
      return app.service.invoke(name, input, { trusted: true });
    });
  }
  return () => {
    for (const name of CHANNEL_NAMES) ipc.removeHandler(`${IPC_PREFIX}${name}`);
  };
}

/** Pushes service events to a window (webContents.send). */
export function forwardEvents(app: IssuerApp, send: (channel: string, event: IssuerEvent) => void): () => void {
  return app.events.subscribe((event) => send(IPC_EVENT, event));
}
