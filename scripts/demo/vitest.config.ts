import { project } from "../../vitest.shared.js";

export default project("demo", { test: { include: ["*.test.ts"], testTimeout: 240_000 } });
