import { readVectorBytes } from "@rhc/test-vectors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validateChain } from "../src/index.js";
import { vectors } from "./helpers.js";

const manifest = vectors(
  "x509/manifest.json",
  z.object({
    at: z.string(),
    algorithms: z.array(z.string()),
    policyOid: z.string(),
    cases: z.array(
      z.object({
        name: z.string(),
        leaf: z.string(),
        chain: z.array(z.string()),
        crls: z.array(z.string()),
        policy: z.record(z.string(), z.unknown()),
        valid: z.boolean(),
        reasons: z.array(z.string()),
      }),
    ),
  }),
);
const at = new Date(manifest.at);

describe.each(manifest.algorithms)("X.509 chains, %s", (alg) => {
  const file = (name: string) => readVectorBytes("x509", alg, name);
  it.each(manifest.cases)("$name", async (c) => {
    const result = await validateChain({
      trustAnchors: [file("root.pem")],
      chain: [file(c.leaf), ...c.chain.map(file)],
      crls: c.crls.map(file),
      at,
      policy: c.policy,
    });
    expect(result.reasons.map((r) => r.code).sort()).toEqual([...c.reasons].sort());
    expect(result.valid).toBe(c.valid);
  });
});
