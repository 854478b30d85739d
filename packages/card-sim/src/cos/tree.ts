import type { DfLayout, EfLayout, KeySlot, PinSlot } from "./layout.js";
import { fidHex } from "./layout.js";

/** Lifecycle of one application (DF). */
export type AppState = "active" | "blocked" | "blocked-permanent";

export interface KeyState {
  readonly slot: KeySlot;
  /** Undefined: the slot exists but no key was loaded yet (blank card). */
  value: Uint8Array | undefined;
  maxTries: number;
  triesLeft: number;
}

export interface PinState {
  readonly slot: PinSlot;
  /** The reference PIN as it travels in VERIFY (BCD or ASCII); undefined = PIN not set (disabled). */
  value: Uint8Array | undefined;
  triesLeft: number;
}

/** Persistent fields are replaced (never mutated in place) through the journal. */
export class EfNode {
  readonly kind = "ef";
  data: Uint8Array;
  records: readonly Uint8Array[];

  constructor(
    readonly layout: EfLayout,
    readonly parent: DfNode,
  ) {
    this.data = new Uint8Array(layout.structure === "transparent" ? (layout.size ?? 0) : 0);
    this.records =
      layout.structure === "linear-fixed"
        ? Array.from({ length: layout.records ?? 0 }, () => new Uint8Array(layout.recordLength ?? 0))
        : [];
  }

  get fid(): number {
    return this.layout.fid;
  }

  get path(): string {
    return `${this.parent.path}/${fidHex(this.fid)}`;
  }
}

export class DfNode {
  readonly kind = "df";
  readonly children: (DfNode | EfNode)[] = [];
  readonly keys = new Map<number, KeyState>();
  readonly pins = new Map<number, PinState>();
  state: AppState = "active";

  constructor(
    readonly layout: DfLayout,
    readonly parent: DfNode | undefined,
  ) {
    for (const slot of layout.keys ?? [])
      this.keys.set(slot.id, { slot, value: undefined, maxTries: slot.maxTries, triesLeft: slot.maxTries });
    for (const slot of layout.pins ?? []) this.pins.set(slot.ref, { slot, value: undefined, triesLeft: slot.maxTries });
    for (const child of layout.children) {
      this.children.push(child.kind === "df" ? new DfNode(child, this) : new EfNode(child, this));
    }
  }

  get fid(): number {
    return this.layout.fid;
  }

  get path(): string {
    return this.parent ? `${this.parent.path}/${fidHex(this.fid)}` : fidHex(this.fid);
  }

  child(fid: number): DfNode | EfNode | undefined {
    return this.children.find((c) => c.fid === fid);
  }

  /** This DF and every DF below it, depth first. */
  *dfs(): Generator<DfNode> {
    yield this;
    for (const c of this.children) if (c.kind === "df") yield* c.dfs();
  }

  *efs(): Generator<EfNode> {
    for (const d of this.dfs()) for (const c of d.children) if (c.kind === "ef") yield c;
  }

  /** Ancestors from this DF up to the MF. */
  *lineage(): Generator<DfNode> {
    for (let d: DfNode | undefined = this; d; d = d.parent) yield d;
  }
}

export function findByPath(root: DfNode, path: string): DfNode | EfNode | undefined {
  const parts = path.split("/");
  if (parts[0] !== fidHex(root.fid)) return undefined;
  let node: DfNode | EfNode = root;
  for (const part of parts.slice(1)) {
    if (node.kind !== "df") return undefined;
    const next: DfNode | EfNode | undefined = node.child(Number.parseInt(part, 16));
    if (!next) return undefined;
    node = next;
  }
  return node;
}
