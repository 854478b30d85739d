import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hotlistKey, hotlistKeysFor, openSyncStore } from "../src/index.js";
import { tempDir } from "./helpers.js";

let cleanup: () => void = () => {};
afterEach(() => cleanup());

describe("hotlist keys name physical cards", () => {
  it("builds cardNo#cardSerial keys and falls back to the number-wide key", () => {
    expect(hotlistKey("11010519491231002X", "A0000001")).toBe("11010519491231002X#A0000001");
    expect(hotlistKey("11010519491231002X")).toBe("11010519491231002X");
    expect(hotlistKeysFor("C1", "S1")).toEqual(["C1#S1", "C1"]);
    expect(hotlistKeysFor("C1")).toEqual(["C1"]);
  });

  it("blocks the lost card but not its replacement; a number-wide entry blocks every card", () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = openSyncStore({ path: join(t.dir, "s.db"), terminalId: "T1", checkpointIntervalMs: 0 });
    try {
      store.hotlist.markLocal(hotlistKey("C1", "S1"), "lost");
      expect(store.hotlist.checkCard("C1", "S1")).toMatchObject({ listed: true, entry: { cardKey: "C1#S1" } });
      expect(store.hotlist.checkCard("C1", "S2").listed).toBe(false);
      store.hotlist.markLocal("C2", "cancelled");
      expect(store.hotlist.checkCard("C2", "S9")).toMatchObject({ listed: true, entry: { cardKey: "C2" } });
      expect(store.hotlist.checkCard("C3").listed).toBe(false);
    } finally {
      store.close();
    }
  });
});
