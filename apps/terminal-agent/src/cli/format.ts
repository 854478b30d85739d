/** Indented, human-readable rendering of a JSON report for the terminal (IT reads this over the phone). */
export function formatReport(title: string, value: unknown): string {
  const lines = [`== ${title} ==`];
  const walk = (v: unknown, indent: string) => {
    if (v === null || typeof v !== "object") return;
    for (const [k, item] of Object.entries(v)) {
      // An absent value is left out, never printed as "undefined".
      if (item === undefined) continue;
      if (item !== null && typeof item === "object") {
        if (Array.isArray(item) && item.every((x) => x === null || typeof x !== "object")) {
          lines.push(`${indent}${k}: ${item.join(", ") || "(none)"}`);
        } else {
          lines.push(`${indent}${k}:`);
          walk(item, `${indent}  `);
        }
      } else {
        lines.push(`${indent}${k}: ${String(item)}`);
      }
    }
  };
  walk(value, "  ");
  return lines.join("\n");
}
