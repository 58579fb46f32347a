import { describe, expect, it } from "vitest";
import { type Candidate, type RankOptions, rankCandidates } from "../../src/scoring/rank.js";
import {
  formatCsv,
  formatMarkdown,
  formatTable,
  MISSING_SENTENCE,
  methodSentence,
} from "../../src/scoring/report.js";
import { makeGrid, plainSpaces } from "./scoring-fixtures.js";

const GRID = makeGrid({
  criteria: [
    {
      id: "supplementarite",
      label: "Supplémentarité",
      weight: 2,
      direction: "benefit",
      veto: { min: 2 },
    },
    { id: "investissement", label: "Investissement", weight: 1, direction: "cost" },
    {
      id: "emplois",
      label: "Emplois",
      weight: 1,
      direction: "benefit",
      scale: { min: 1, max: 10 },
    },
  ],
});

const HOSTILE = "Evil | [x](http://evil) <script>alert(1)</script> `code` *gras* _souligné_";

const CANDIDATES: Candidate[] = [
  {
    id: "atelier",
    title: "Atelier vélo",
    scores: { supplementarite: 5, investissement: 1, emplois: 8 },
  },
  { id: "hostile", title: HOSTILE, scores: { supplementarite: 4, investissement: 2, emplois: 7 } },
  {
    id: "virgule",
    title: 'Épicerie, "solidaire"\net multiligne',
    scores: { supplementarite: 3, emplois: { raters: { a: 2, b: 7 } } },
  },
  {
    id: "formule",
    title: '=HYPERLINK("http://evil";"x")',
    scores: { supplementarite: 3, investissement: 0, emplois: 2 },
  },
  {
    id: "ecartee",
    title: "Conciergerie écartée",
    scores: { supplementarite: 1, investissement: 0, emplois: 10 },
  },
  {
    id: "ecartee2",
    title: "@SUM(1+1), écartée",
    scores: { supplementarite: 0, investissement: 0, emplois: 10 },
  },
];

const WS: RankOptions = { method: "weighted-sum", simulations: 300, seed: 7 };
const TOPSIS: RankOptions = { method: "topsis", simulations: 300, seed: 7 };

/** A minimal RFC 4180 parser: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k] as string;
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${k}`);
      quoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[k + 1] === "\n") k++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The cells of a Markdown table row, split on unescaped pipes. */
function cells(line: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let k = 0; k < line.length; k++) {
    const ch = line[k] as string;
    if (ch === "\\") {
      current += ch + (line[k + 1] ?? "");
      k++;
    } else if (ch === "|") {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.slice(1, -1).map((c) => c.trim());
}

/** Characters that are active in Markdown and not preceded by a backslash. */
function unescaped(text: string, characters: string): string[] {
  const found: string[] = [];
  for (let k = 0; k < text.length; k++) {
    const ch = text[k] as string;
    if (ch === "\\") {
      k++;
      continue;
    }
    if (characters.includes(ch)) found.push(ch);
  }
  return found;
}

describe("formatMarkdown", () => {
  const report = rankCandidates(GRID, CANDIDATES, WS);
  const markdown = formatMarkdown(report, GRID);
  const lines = markdown.split("\n");

  it("states the method", () => {
    expect(markdown).toContain(methodSentence(report));
    expect(markdown).toContain("Méthode : somme pondérée");
    const topsis = formatMarkdown(rankCandidates(GRID, CANDIDATES, TOPSIS), GRID);
    expect(topsis).toContain("Méthode : TOPSIS");
  });

  it("keeps a hostile title inside its table cell", () => {
    const rankingHeader = lines.findIndex((l) => l.startsWith("| Rang |"));
    const width = cells(lines[rankingHeader] as string).length;
    const row = lines.find(
      (l) => l.startsWith("| ") && l.includes("Evil") && cells(l).length > 0 && /^\| \d/.test(l),
    );
    expect(row).toBeDefined();
    expect(cells(row as string)).toHaveLength(width);
    expect(cells(row as string)[1]).toContain("Evil \\| ");
    // Every row of every table has as many cells as its header.
    let expected = 0;
    for (const line of lines) {
      if (!line.startsWith("|")) {
        expected = 0;
        continue;
      }
      if (expected === 0) expected = cells(line).length;
      else expect(cells(line), line).toHaveLength(expected);
    }
  });

  it("creates no link, no HTML and no code span from a title", () => {
    const hostileLines = lines.filter((l) => l.includes("Evil"));
    expect(hostileLines.length).toBeGreaterThan(0);
    for (const line of hostileLines) {
      expect(unescaped(line, "<>[]`*_"), line).toEqual([]);
      expect(line).not.toMatch(/(?<!\\)\]\(/);
      expect(line).not.toContain("<script>");
    }
    expect(markdown).toContain("\\<script\\>");
    expect(markdown).toContain("\\[x\\](http://evil)");
    expect(markdown).toContain("\\`code\\`");
  });

  it("puts a multi-line title on one line", () => {
    const line = lines.find((l) => l.includes("Épicerie"));
    expect(line).toContain('Épicerie, "solidaire" et multiligne');
  });

  it("lists the eliminated ideas apart, with their reasons", () => {
    const eliminatedAt = lines.indexOf("## Pistes écartées");
    expect(eliminatedAt).toBeGreaterThan(0);
    const after = lines.slice(eliminatedAt).join("\n");
    expect(after).toContain("Conciergerie écartée");
    expect(plainSpaces(after)).toContain("Supplémentarité : 1, sous le seuil éliminatoire de 2");
    const before = lines.slice(0, eliminatedAt).join("\n");
    expect(before).not.toContain("Conciergerie");
  });

  it("explains missing scores when an idea is incomplete", () => {
    expect(markdown).toContain(MISSING_SENTENCE);
  });
});

describe("formatCsv", () => {
  const report = rankCandidates(GRID, CANDIDATES, WS);
  const csv = formatCsv(report, GRID);
  const rows = parseCsv(csv);
  const header = rows[0] as string[];
  const column = (name: string) => header.indexOf(name);

  it("has a header and one row per ranked and per eliminated idea, all as wide", () => {
    expect(rows).toHaveLength(1 + report.ranking.length + report.eliminated.length);
    expect(report.ranking).toHaveLength(4);
    expect(report.eliminated).toHaveLength(2);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(rows.slice(1).map((r) => r[column("id")])).toEqual([
      ...report.ranking.map((r) => r.id),
      "ecartee",
      "ecartee2",
    ]);
    expect(rows.slice(1).map((r) => r[column("statut")])).toEqual([
      "classée",
      "classée",
      "classée",
      "classée",
      "écartée",
      "écartée",
    ]);
  });

  it("quotes commas, quotes and line breaks, and gives the titles back intact", () => {
    const titles = new Map(rows.slice(1).map((r) => [r[column("id")], r[column("titre")]]));
    expect(titles.get("virgule")).toBe('Épicerie, "solidaire"\net multiligne');
    expect(titles.get("hostile")).toBe(HOSTILE);
    expect(csv).toContain('"Épicerie, ""solidaire""\net multiligne"');
  });

  it("neutralises formula injection in titles (=, @)", () => {
    const titles = new Map(rows.slice(1).map((r) => [r[column("id")], r[column("titre")]]));
    expect(titles.get("formule")).toBe('\'=HYPERLINK("http://evil";"x")');
    expect(titles.get("ecartee2")).toBe("'@SUM(1+1), écartée");
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it.each([["+33 6 12"], ["-2+3"], ["=1+1"], ["@cmd"]])(
    "neutralises a title starting like %j",
    (title) => {
      const r = rankCandidates(GRID, [{ id: "x", title, scores: { supplementarite: 3 } }], WS);
      const parsed = parseCsv(formatCsv(r, GRID));
      expect(parsed[1]?.[4]).toBe(`'${title}`);
    },
  );

  it("keeps numbers unrounded, with dot decimals", () => {
    const first = rows[1] as string[];
    const idea = report.ranking[0];
    expect(Number(first[column("score")])).toBe(idea?.score);
    expect(first[column("rang")]).toBe("1");
    expect(header).toEqual(
      expect.arrayContaining([
        "contribution_supplementarite",
        "contribution_investissement",
        "contribution_emplois",
        "raisons",
      ]),
    );
  });

  it("quotes a title holding a lone carriage return (RFC 4180: CR only inside quotes)", () => {
    const r = rankCandidates(
      GRID,
      [{ id: "cr", title: "Ligne 1\rLigne 2", scores: { supplementarite: 3 } }],
      WS,
    );
    const parsed = parseCsv(formatCsv(r, GRID));
    expect(parsed).toHaveLength(2);
    expect(parsed[1]?.[4]).toBe("Ligne 1\rLigne 2");
  });
});

describe("formatTable", () => {
  it("states the method and shows eliminated ideas apart", () => {
    const report = rankCandidates(GRID, CANDIDATES, WS);
    const table = formatTable(report, GRID);
    const lines = table.split("\n");
    expect(lines[0]).toBe(methodSentence(report));
    expect(lines[0]).toContain("somme pondérée");
    const eliminatedAt = lines.indexOf("Écartées par un critère éliminatoire :");
    expect(eliminatedAt).toBeGreaterThan(0);
    const before = lines.slice(0, eliminatedAt).join("\n");
    expect(before).not.toContain("Conciergerie");
    expect(before).toContain("Atelier vélo");
    const eliminatedLine = lines.find((l) => l.includes("Conciergerie écartée"));
    expect(eliminatedLine).toMatch(/^ {2}✗ Conciergerie écartée \(ecartee\) — Supplémentarité/);
    expect(lines.indexOf(eliminatedLine as string)).toBeGreaterThan(eliminatedAt);
  });

  it("states TOPSIS when it is the method, without simulation or stability", () => {
    const report = rankCandidates(GRID, CANDIDATES, TOPSIS);
    const table = formatTable(report, GRID);
    expect(table.split("\n")[0]).toContain("Méthode : TOPSIS");
    expect(table).not.toContain("Solidité du classement");
    expect(table).not.toContain("Simulation :");
  });

  it("shows rank, flags and the simulation sentence", () => {
    const report = rankCandidates(GRID, CANDIDATES, WS);
    const table = plainSpaces(formatTable(report, GRID));
    expect(table).toContain("Simulation : 300 tirages (graine 7)");
    expect(table).toContain("incomplète (1 note manquante");
    expect(table).toContain("désaccord entre évaluateurs : Emplois");
    expect(table).toContain("Solidité du classement :");
  });

  it("says when no idea is ranked", () => {
    const report = rankCandidates(GRID, CANDIDATES.slice(4), WS);
    expect(report.ranking).toEqual([]);
    const table = formatTable(report, GRID);
    expect(table).toContain("Aucune piste classée.");
    expect(table).toContain("Écartées par un critère éliminatoire :");
    expect(formatMarkdown(report, GRID)).toContain("Aucune piste classée.");
  });
});
