/** Console output of the demo: numbered steps, results, and failures that say what went wrong. */
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

let stepNo = 0;
export function step(title: string): void {
  stepNo++;
  console.log(`\n${bold(`[${stepNo}] ${title}`)}`);
}

export function ok(text: string): void {
  console.log(`    ✓ ${text}`);
}

export function info(text: string): void {
  console.log(`      ${text}`);
}

export function warn(text: string): void {
  console.log(`    ! ${text}`);
}

export function table(rows: ReadonlyArray<Record<string, string | number | boolean | null>>): void {
  if (rows.length === 0) {
    info("(none)");
    return;
  }
  const keys = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  const width = (k: string) => Math.max(k.length, ...rows.map((r) => [...cell(r[k])].length));
  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - [...s].length));
  info(keys.map((k) => pad(k, width(k))).join("  "));
  for (const r of rows) info(keys.map((k) => pad(cell(r[k]), width(k))).join("  "));
}
