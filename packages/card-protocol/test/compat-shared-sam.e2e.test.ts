import type { TestDesk } from "@rhc/card-sim/testing";
import { sm3 } from "@rhc/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IRV, WS_ERR } from "../src/compat/error-codes.js";
import { type HealthCardApi, SLOT_SAM, SLOT_USER } from "../src/compat/health-card-api.js";
import { elementByNumber } from "../src/health-card/elements.js";
import { decodeElementRecord } from "../src/health-card/records.js";
import { openCompatDesk } from "./support/compat-desk.js";
import { storedFile } from "./support/sim-images.js";

// Two compat handles on one port share one physical SAM. Integrators open a handle per window or
// thread and power everything on each; the SAM PIN verified on one handle must keep working for
// the others, and closing one handle must not break another. Real pcscd, card-sim cards.
let desk: TestDesk;
let api: HealthCardApi;
let card: Awaited<ReturnType<typeof openCompatDesk>>["card"];
const opened: number[] = [];

beforeAll(async () => {
  ({ desk, api, card } = await openCompatDesk("protocol-compat-shared-sam"));
});
afterAll(async () => {
  for (const h of opened) await api?.CloseDevice(h);
  await desk?.close();
});

async function open(): Promise<number> {
  const h = await api.OpenDevice(1);
  expect(h).toBeGreaterThan(0);
  opened.push(h);
  return h;
}

async function powerBoth(h: number): Promise<void> {
  expect((await api.PowerOn(h, SLOT_SAM)).code).toBe(0);
  expect((await api.PowerOn(h, SLOT_USER)).code).toBe(0);
}

/** Address 1 (element 22) as the card holds it in its saved image, not as any session caches it. */
function storedAddress(): unknown {
  const element = elementByNumber(22)!;
  const record = storedFile(card.file, "3F00/DDF1/DF01/EF05").records?.[element.record - 1];
  return record && decodeElementRecord(element, record);
}

describe("compat facade: handles sharing one SAM through pcscd", () => {
  it("a second handle powering the SAM keeps the first handle's verified SAM PIN", async () => {
    const first = await open();
    const second = await open();
    await powerBoth(first);
    expect(await api.VerifyPin(first, "123456")).toEqual({ code: 0 });
    // The second handle powers the SAM after the PIN was verified on the first one.
    await powerBoth(second);

    expect(await api.iW_DF01EF05Info(first, { DZ1: "河南省郑州市金水区经三路1号" })).toEqual({ code: 0 });
    expect((await api.iR_DF01EF05Info(first)).DZ1).toBe("河南省郑州市金水区经三路1号");
    expect(storedAddress()).toBe("河南省郑州市金水区经三路1号");
    // The PIN state belongs to the SAM both handles share: the second handle writes and signs too.
    expect(await api.iW_DF01EF05Info(second, { DZ1: "河南省郑州市二七区大学路2号" })).toEqual({ code: 0 });
    expect((await api.iR_DF01EF05Info(second)).DZ1).toBe("河南省郑州市二七区大学路2号");
    expect(storedAddress()).toBe("河南省郑州市二七区大学路2号");
    expect((await api.SM2SignHash(second, sm3(Uint8Array.of(1)))).code).toBe(0);
    // Powering the SAM again on a handle while another uses it joins the shared session, PIN kept.
    expect((await api.PowerOn(first, SLOT_SAM)).code).toBe(0);
    expect((await api.SM2SignHash(second, sm3(Uint8Array.of(2)))).code).toBe(0);
  });

  it("closing one handle leaves the other working; the last one closes the SAM session", async () => {
    const first = await open();
    const second = await open();
    await powerBoth(first);
    await powerBoth(second);
    expect(await api.VerifyPin(second, "123456")).toEqual({ code: 0 });

    // The handle that opened the SAM session goes first: the other keeps SAM, PIN and card.
    expect(await api.CloseDevice(first)).toBe(0);
    expect(await api.iW_DF01EF05Info(second, { DZ1: "河南省洛阳市西工区中州路3号" })).toEqual({ code: 0 });
    expect((await api.iR_DF01EF05Info(second)).DZ1).toBe("河南省洛阳市西工区中州路3号");
    expect(storedAddress()).toBe("河南省洛阳市西工区中州路3号");
    expect((await api.SM2SignHash(second, sm3(Uint8Array.of(3)))).code).toBe(0);

    // Every handle of this test file is closed now: the next power-on opens a fresh SAM session
    // whose PIN is not verified, so writes report the SAM PIN (105) instead of a card refusal.
    for (const h of opened.splice(0)) await api.CloseDevice(h);
    const third = await open();
    await powerBoth(third);
    expect(await api.iW_DF01EF05Info(third, { DZ1: "河南省开封市鼓楼区4号" })).toEqual({ code: IRV.SAM_RESPONSE });
    expect(api.lastError(third)?.code).toBe("SAM_PIN_REQUIRED");
    expect((await api.SM2SignHash(third, sm3(Uint8Array.of(4)))).code).toBe(WS_ERR.PIN_FAILED);
    expect(await api.VerifyPin(third, "123456")).toEqual({ code: 0 });
    expect(await api.iW_DF01EF05Info(third, { DZ1: "河南省开封市鼓楼区4号" })).toEqual({ code: 0 });
    expect(storedAddress()).toBe("河南省开封市鼓楼区4号");
  });

  it("a write through one handle is what another handle reads next (no stale session cache)", async () => {
    const reader = await open();
    const writer = await open();
    await powerBoth(reader);
    await powerBoth(writer);
    expect(await api.VerifyPin(writer, "123456")).toEqual({ code: 0 });
    expect(await api.iW_DF01EF05Info(writer, { DZ1: "河南省新乡市红旗区5号" })).toEqual({ code: 0 });
    expect((await api.iR_DF01EF05Info(reader)).DZ1).toBe("河南省新乡市红旗区5号"); // now in reader's cache
    expect(await api.iW_DF01EF05Info(writer, { DZ1: "河南省安阳市文峰区6号" })).toEqual({ code: 0 });
    expect((await api.iR_DF01EF05Info(reader)).DZ1).toBe("河南省安阳市文峰区6号");
    // The writer's own cache follows its writes; reads on either handle agree with the card.
    expect((await api.iR_DF01EF05Info(writer)).DZ1).toBe("河南省安阳市文峰区6号");
    expect(storedAddress()).toBe("河南省安阳市文峰区6号");
  });
});
