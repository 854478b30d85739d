import { describe, expect, it } from "vitest";
import { HealthCardSession } from "../src/health-card/session.js";
import { SamSession } from "../src/sam/sam-session.js";
import { memoryDesk } from "./support/sim-memory.js";

describe("sessions against card-sim cards in memory", () => {
  it("reads identity and everything", async () => {
    const { transport, meta } = await memoryDesk();
    const sam = await SamSession.open(await transport.connect("sam"));
    await sam.verifyPin("123456");
    const session = HealthCardSession.open(await transport.connect("card"), { sam });
    const id = await session.readIdentity();
    expect(id.holder.name).toBe(meta.person.name);
    console.log(session.apduCount, sam.channel.apduCount);
    const all = await session.readAll().catch((e) => {
      console.log("ERR", e.detail);
      throw e;
    });
    console.log(session.apduCount, sam.channel.apduCount, all.allergies, all.immunisations, all.photo?.length);
    const hist = await session.readVisitHistory();
    console.log(session.apduCount, hist.length);
  });
});
