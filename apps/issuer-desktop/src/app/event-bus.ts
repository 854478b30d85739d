import type { IssuerEvent } from "../shared/channels.js";

/** Fan-out of pushed events to the renderer(s): Electron windows or SSE clients. */
export class EventBus {
  private readonly listeners = new Set<(event: IssuerEvent) => void>();

  emit = (event: IssuerEvent): void => {
    for (const l of this.listeners) l(event);
  };

  subscribe(listener: (event: IssuerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
