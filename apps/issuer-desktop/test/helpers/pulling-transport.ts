import { type CardConnection, type CardTransport, withTransmit } from "@rhc/card-protocol";
import type { TestDesk } from "@rhc/card-sim/testing";

/** How the card leaves: after answering the command, or during it (torn) with or without effect. */
export type PullMode = "after-answer" | "torn-applied" | "torn-lost";

export interface Pull {
  /** Which commands count (e.g. INS = WRITE KEY); the `nth` one that matches triggers the pull. */
  match: (command: Uint8Array) => boolean;
  nth: number;
  mode: PullMode;
}

export const ins = (code: number) => (command: Uint8Array) => command[1] === code;

/**
 * The desk's real PC/SC transport, with the issuer card pulled at a chosen command: the wrapper
 * only decides *when*; the pull itself is the card-sim host removing the card (or tearing the APDU
 * through its fault plan), so pcscd and the binding report it as they would a real pull.
 */
export class PullingTransport implements CardTransport {
  readonly kind: CardTransport["kind"];
  private pull: (Pull & { seen: number }) | undefined;
  /** Whether the armed pull happened. */
  pulled = false;

  constructor(
    private readonly desk: TestDesk,
    private readonly inner: CardTransport = desk.transport,
  ) {
    this.kind = inner.kind;
  }

  listReaders: CardTransport["listReaders"] = () => this.inner.listReaders();
  waitForChange: CardTransport["waitForChange"] = (since, options) => this.inner.waitForChange(since, options);
  close: CardTransport["close"] = () => this.inner.close();

  arm(pull: Pull): void {
    this.pull = { ...pull, seen: 0 };
    this.pulled = false;
  }

  async connect(reader: string, options?: Parameters<CardTransport["connect"]>[1]): Promise<CardConnection> {
    const conn = await this.inner.connect(reader, options);
    if (reader !== this.desk.readerName("issuerCard")) return conn;
    return withTransmit(conn, async (command) => {
      const pull = this.pull;
      if (!pull?.match(command) || ++pull.seen !== pull.nth) return conn.transmit(command);
      this.pull = undefined;
      this.pulled = true;
      if (pull.mode === "after-answer") {
        const answer = await conn.transmit(command);
        await this.desk.remove("issuerCard");
        return answer;
      }
      const tear = { atApdu: 1, applied: pull.mode === "torn-applied" };
      await this.desk.host.setFaults(this.desk.port("issuerCard"), { tear });
      return conn.transmit(command);
    });
  }
}
