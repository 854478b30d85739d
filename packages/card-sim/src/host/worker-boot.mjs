// Source-mode entry of the card worker: loader hooks are not inherited by worker threads, so the
// worker registers tsx itself before importing the TypeScript module.
import { register } from "tsx/esm/api";

register();
await import("./card-worker.ts");
