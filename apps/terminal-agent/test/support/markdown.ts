import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's docs/ folder (the guides the docs tests keep honest). */
export const DOCS_DIR = fileURLToPath(new URL("../../../../docs/", import.meta.url));

export function readDoc(name: string): string {
  return readFileSync(join(DOCS_DIR, name), "utf8");
}

export function docNames(): string[] {
  return readdirSync(DOCS_DIR).filter((f) => f.endsWith(".md"));
}

export interface CodeBlock {
  lang: string;
  /** From an `<!-- example: <id> -->` line right above the fence. */
  id: string | undefined;
  code: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
}

/** Fenced code blocks of a markdown text, with the example id that labels them. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== "```") end++;
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === "") above--;
    const id = above >= 0 ? /^<!-- example: ([\w-]+) -->$/.exec(lines[above]!.trim())?.[1] : undefined;
    blocks.push({ lang: open[1]!, id, code: lines.slice(i + 1, end).join("\n"), line: i + 1 });
    i = end;
  }
  return blocks;
}

export interface Table {
  header: string[];
  rows: string[][];
  line: number;
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replaceAll("\\|", "|"));

/** Pipe tables of a markdown text (outside code blocks), cells trimmed and `\|` unescaped. */
export function tables(markdown: string): Table[] {
  const lines = markdown.split("\n");
  const found: Table[] = [];
  let inCode = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith("```")) inCode = !inCode;
    if (inCode || !lines[i]!.startsWith("|") || !/^\|[\s:|-]+\|$/.test(lines[i + 1]?.trim() ?? "")) continue;
    const header = cells(lines[i]!);
    const rows: string[][] = [];
    let j = i + 2;
    while (j < lines.length && lines[j]!.startsWith("|")) rows.push(cells(lines[j++]!));
    found.push({ header, rows, line: i + 1 });
    i = j - 1;
  }
  return found;
}

/** `CODE` → CODE; a cell may hold several (`a` / `b`). */
export function ticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}
