import { TestDesk } from "@rhc/card-sim/testing";
import { HealthCardApi } from "../../src/compat/health-card-api.js";
import { psamImage, residentFile } from "./sim-images.js";

/** A leased desk with a resident card (saved to a file after every write) and a PSAM, as compat port 1. */
export async function openCompatDesk(seed: string) {
  const card = residentFile(seed);
  const desk = await TestDesk.open();
  await desk.insert("resident", { type: "resident", options: { image: card.image, save: card.file } });
  await desk.insert("sam", { type: "psam", options: { image: psamImage() } });
  const api = new HealthCardApi({
    transport: desk.transport,
    ports: { 1: { userReader: desk.readerName("resident"), samReader: desk.readerName("sam") } },
  });
  return { desk, api, card };
}
