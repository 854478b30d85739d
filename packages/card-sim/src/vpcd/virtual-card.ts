import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { FaultInjector } from "../faults/injector.js";
import type { PowerEvent, SimCard } from "../sim-card.js";
import { encodeFrame, FrameDecoder, VPCD_CONTROL } from "./framing.js";

export interface VirtualCardOptions {
  port: number;
  host?: string;
  card: SimCard;
  log?: (message: string) => void;
}

const SW_NO_PRECISE_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

/**
 * Plugs a `SimCard` into a vpcd reader slot. Connecting to vpcd's port is inserting the card;
 * closing the socket is removing it. Messages are answered strictly in arrival order, even when
 * the card answers asynchronously. vpcd asks for the ATR every 400 ms as a presence check.
 */
export class VirtualCard {
  readonly port: number;
  readonly host: string;
  readonly card: SimCard;
  private socket: net.Socket | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly log: (message: string) => void;
  apduCount = 0;
  /** Faults to show (tear, mute, slow, garbage, forced status words); see `FaultPlan`. */
  readonly faults = new FaultInjector();

  constructor(options: VirtualCardOptions) {
    this.port = options.port;
    this.host = options.host ?? "127.0.0.1";
    this.card = options.card;
    this.log = options.log ?? (() => {});
  }

  get inserted(): boolean {
    return this.socket !== undefined;
  }

  insert(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: this.host, port: this.port });
      const decoder = new FrameDecoder();
      let connected = false;
      socket.setNoDelay(true);
      socket.on("connect", () => {
        connected = true;
        this.socket = socket;
        resolve();
      });
      socket.on("data", (chunk) => {
        for (const frame of decoder.push(chunk)) this.enqueue(socket, frame);
      });
      socket.on("error", (error) => {
        if (!connected) reject(new Error(`cannot connect to vpcd on ${this.host}:${this.port}: ${error.message}`));
        else this.log(`vpcd connection error: ${error.message}`);
      });
      socket.on("close", () => {
        if (this.socket === socket) this.socket = undefined;
        this.power("off");
      });
    });
  }

  remove(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    this.socket = undefined;
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  private power(event: PowerEvent): void {
    try {
      this.card.power(event);
    } catch (error) {
      this.log(`power ${event} failed: ${String(error)}`);
    }
  }

  private enqueue(socket: net.Socket, frame: Uint8Array): void {
    this.queue = this.queue.then(() => this.handle(socket, frame));
  }

  private async handle(socket: net.Socket, frame: Uint8Array): Promise<void> {
    if (frame.length === 1) {
      switch (frame[0]) {
        case VPCD_CONTROL.POWER_OFF:
          this.power("off");
          return;
        case VPCD_CONTROL.POWER_ON:
          this.power("on");
          return;
        case VPCD_CONTROL.RESET:
          this.power("reset");
          return;
        case VPCD_CONTROL.ATR_REQUEST:
          this.send(socket, this.card.atr());
          return;
        default:
          this.log(`unknown vpcd control byte ${frame[0]}`);
          return;
      }
    }
    this.apduCount++;
    const action = this.faults.next(frame);
    switch (action.kind) {
      case "mute":
        // No answer; the reader gives up after a while and the card counts as removed.
        setTimeout(() => this.pull(socket), action.releaseAfterMs).unref();
        return;
      case "tear":
        if (action.applied) await this.run(frame);
        this.pull(socket);
        return;
      case "status":
        if (action.delayMs) await sleep(action.delayMs);
        this.send(socket, Uint8Array.of(action.sw >> 8, action.sw & 0xff));
        break;
      case "run": {
        const response = await this.run(frame);
        if (action.delayMs) await sleep(action.delayMs);
        this.send(socket, action.transform ? action.transform(response) : response);
        break;
      }
    }
    if (action.removeAfter) this.pull(socket, true);
  }

  private async run(frame: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.card.process(frame);
    } catch (error) {
      this.log(`card threw on APDU: ${String(error)}`);
      return SW_NO_PRECISE_DIAGNOSIS;
    }
  }

  /** The card leaves the reader (fault injection): vpcd sees the socket close; `graceful` flushes the answer first. */
  private pull(socket: net.Socket, graceful = false): void {
    if (this.socket === socket) this.socket = undefined;
    if (graceful) socket.end();
    else socket.destroy();
  }

  /** Sends one frame with a single write (length and payload together). */
  private send(socket: net.Socket, payload: Uint8Array): void {
    if (!socket.destroyed) socket.write(encodeFrame(payload));
  }
}
