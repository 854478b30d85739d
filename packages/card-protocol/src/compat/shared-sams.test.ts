import { RhcError } from "@rhc/errors";
import { describe, expect, it } from "vitest";
import type { SamSession } from "../sam/sam-session.js";
import { SharedSams } from "./shared-sams.js";

/** Pure reference counting: sessions are stand-ins that only record whether they were closed. */
function pool(fail = () => false) {
  const opened: { reader: string; closed: boolean }[] = [];
  const sams = new SharedSams(async (reader) => {
    await Promise.resolve();
    if (fail()) throw new RhcError("NO_CARD", { detail: reader });
    const record = { reader, closed: false };
    opened.push(record);
    return {
      record,
      close: async () => {
        record.closed = true;
      },
    } as unknown as SamSession;
  });
  return { sams, opened };
}

describe("SharedSams", () => {
  it("opens one session per reader for concurrent power-ons and closes it with the last holder", async () => {
    const { sams, opened } = pool();
    const [a, b] = await Promise.all([sams.acquire("R", 1), sams.acquire("R", 2)]);
    expect(a).toBe(b);
    expect(opened).toHaveLength(1);
    const other = await sams.acquire("S", 1);
    expect(other).not.toBe(a);
    await sams.release("R", 1);
    expect(opened[0]!.closed).toBe(false);
    await sams.release("R", 1); // a second release of the same holder counts nothing
    expect(opened[0]!.closed).toBe(false);
    await sams.release("R", 2);
    expect(opened[0]!.closed).toBe(true);
    expect(await sams.acquire("R", 3)).not.toBe(a);
  });

  it("a handle powering its SAM again: joins while shared, re-opens when it holds the SAM alone", async () => {
    const { sams, opened } = pool();
    const first = await sams.acquire("R", 1);
    await sams.acquire("R", 2);
    expect(await sams.acquire("R", 1)).toBe(first);
    await sams.release("R", 2);
    const fresh = await sams.acquire("R", 1);
    expect(fresh).not.toBe(first);
    expect(opened.map((o) => o.closed)).toEqual([true, false]);
  });

  it("a failed open reaches every waiting holder and leaves nothing behind", async () => {
    let failing = true;
    const { sams, opened } = pool(() => failing);
    const results = await Promise.allSettled([sams.acquire("R", 1), sams.acquire("R", 2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    failing = false;
    await sams.acquire("R", 2);
    expect(opened).toHaveLength(1);
    await sams.release("R", 2);
    expect(opened[0]!.closed).toBe(true);
  });
});
