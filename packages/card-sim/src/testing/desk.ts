import { cardAbsent, cardPresent, PcscTransport, type ReaderStatus, waitForReader } from "@rhc/card-protocol";
import { CardHost } from "../host/card-host.js";
import type { CardSpec } from "../sim-card.js";
import { type Lane, leaseLane, type Role } from "./lanes.js";

/**
 * A simulated desk for one test file: a leased lane of readers in the shared pcscd, a worker
 * hosting the cards, and a PC/SC transport. `insert`/`remove` return once PC/SC has seen the change.
 */
export class TestDesk {
  private constructor(
    readonly lane: Lane,
    readonly host: CardHost,
    readonly transport: PcscTransport,
  ) {}

  static async open(): Promise<TestDesk> {
    const dir = process.env.RHC_TEST_STACK_DIR;
    if (!dir) throw new Error("RHC_TEST_STACK_DIR is not set: add @rhc/card-sim/testing/global-setup to vitest");
    const lane = await leaseLane(dir);
    const host = await CardHost.start();
    return new TestDesk(lane, host, new PcscTransport());
  }

  readerName(role: Role): string {
    return this.lane.reader(role).name;
  }

  port(role: Role): number {
    return this.lane.reader(role).port;
  }

  async insert(role: Role, card: CardSpec): Promise<ReaderStatus> {
    await this.host.insert(this.port(role), card);
    return (await waitForReader(this.transport, this.readerName(role), cardPresent))!;
  }

  async remove(role: Role): Promise<void> {
    await this.host.remove(this.port(role));
    await waitForReader(this.transport, this.readerName(role), cardAbsent);
  }

  async close(): Promise<void> {
    try {
      await this.transport.close();
      await this.host.terminate();
    } finally {
      this.lane.release();
    }
  }
}
