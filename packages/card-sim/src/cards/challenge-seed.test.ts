import { describe, expect, it } from "vitest";
import type { SimCard } from "../sim-card.js";
import { createCard } from "./registry.js";

const GET_CHALLENGE = Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x08);

async function challenges(card: SimCard, count: number): Promise<string[]> {
  card.power("on");
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await card.process(GET_CHALLENGE);
    expect(Buffer.from(answer.subarray(-2)).toString("hex")).toBe("9000");
    out.push(Buffer.from(answer.subarray(0, -2)).toString("hex"));
  }
  return out;
}

describe("challengeSeed (deterministic GET CHALLENGE for replays)", () => {
  it("gives the same challenge sequence to cards of the same seed, across resets", async () => {
    const a = await createCard({ type: "blank", options: { seed: "cs-1", region: "410100", challengeSeed: "run-1" } });
    const b = await createCard({ type: "blank", options: { seed: "cs-1", region: "410100", challengeSeed: "run-1" } });
    const first = await challenges(a, 3);
    expect(new Set(first).size).toBe(3);
    // A reset in between does not restart the sequence: it continues where it was.
    const second = [...(await challenges(b, 1)), ...(await challenges(b, 2))];
    expect(second).toEqual(first);
  });

  it("differs per seed and stays random without one", async () => {
    const seeded = (challengeSeed: string) =>
      createCard({ type: "isam", options: { region: "410100", challengeSeed } }).then((c) => challenges(c, 2));
    expect(await seeded("x")).toEqual(await seeded("x"));
    expect(await seeded("x")).not.toEqual(await seeded("y"));
    const random = async () => challenges(await createCard({ type: "resident", options: { seed: "cs-2" } }), 2);
    expect(await random()).not.toEqual(await random());
  });

  it("is validated like every other card option", async () => {
    await expect(createCard({ type: "blank", options: { challengeSeed: "" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});
