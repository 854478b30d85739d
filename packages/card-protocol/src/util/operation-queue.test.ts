import { describe, expect, it } from "vitest";
import { OperationQueue } from "./operation-queue.js";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("OperationQueue", () => {
  it("runs operations one at a time in call order", async () => {
    const queue = new OperationQueue();
    const log: string[] = [];
    const op = (name: string) =>
      queue.run(async () => {
        log.push(`${name}:start`);
        await tick();
        log.push(`${name}:end`);
        return name;
      });
    expect(await Promise.all([op("a"), op("b"), op("c")])).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("keeps going after a failed operation", async () => {
    const queue = new OperationQueue();
    const failed = queue.run(async () => Promise.reject(new Error("x")));
    const next = queue.run(async () => "next");
    await expect(failed).rejects.toThrow("x");
    expect(await next).toBe("next");
  });
});
