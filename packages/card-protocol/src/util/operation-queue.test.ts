import { describe, expect, it } from "vitest";
import { OperationQueue } from "./operation-queue.js";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("OperationQueue", () => {
  it("runs operations one at a time in call order, re-entrant for nested calls", async () => {
    const queue = new OperationQueue();
    const log: string[] = [];
    const op = (name: string) =>
      queue.run(async () => {
        log.push(`${name}:start`);
        await tick();
        if (name === "a") await queue.run(async () => log.push("a.nested"));
        log.push(`${name}:end`);
        return name;
      });
    expect(await Promise.all([op("a"), op("b"), op("c")])).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a:start", "a.nested", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("keeps going after a failed operation and serializes methods of an object", async () => {
    const queue = new OperationQueue();
    await expect(queue.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    const target = {
      seen: [] as number[],
      async put(n: number) {
        await tick();
        this.seen.push(n);
        return n;
      },
    };
    OperationQueue.serialize(target, queue, ["put"]);
    await Promise.all([target.put(1), target.put(2), target.put(3)]);
    expect(target.seen).toEqual([1, 2, 3]);
    expect(() => OperationQueue.serialize(target, queue, ["seen"])).toThrow(TypeError);
  });
});
