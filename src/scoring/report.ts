import type { Grid } from "./grid.js";
import type { RankedIdea, RankingReport } from "./rank.js";
import { WEIGHT_SPREAD } from "./simulate.js";

/**
 * The ranking for people: a terminal table, a Markdown report to commit, or
 * CSV. Pure: report in, text out. Every output states the method.
 */

const SCORE = new Intl.NumberFormat("fr-FR", {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const PERCENT = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
const RUNS = new Intl.NumberFormat("fr-FR");

export function methodSentence(report: RankingReport): string {
  return report.method === "topsis"
    ? "Méthode : TOPSIS (Hwang et Yoon) — normalisation vectorielle des notes, pondérée ; score = 100 × proximité relative à l'idéal (D⁻ / (D⁺ + D⁻)). Avec TOPSIS, ajouter une piste peut modifier l'ordre des autres."
    : "Méthode : somme pondérée — chaque note est ramenée à l'échelle déclarée du critère (0 = le pire, 1 = le meilleur, inversée pour un critère de coût) ; score = 100 × Σ poids × note ramenée. Ajouter une piste ne change jamais l'ordre des autres.";
}

export const MISSING_SENTENCE =
  "Une note manquante ne compte jamais pour 0 : elle est prise au milieu de l'échelle, la piste est marquée incomplète et l'intervalle indique le score qu'elle atteindrait avec toutes ses notes manquantes au pire, puis au meilleur.";

export function simulationSentence(report: RankingReport): string | undefined {
  const simulation = report.simulation;
  if (!simulation) return undefined;
  return `Simulation : ${RUNS.format(simulation.runs)} tirages (graine ${simulation.seed}) ; poids perturbés de ±${PERCENT.format(WEIGHT_SPREAD)} autour de leur valeur, notes incertaines tirées dans leur intervalle, notes inconnues sur toute l'échelle, une personne au hasard quand plusieurs ont noté. « Rang probable » : intervalle qui contient le rang dans 90 % des tirages.`;
}

function flags(idea: RankedIdea, grid: Grid): string[] {
  const label = (id: string) => grid.criteria.find((c) => c.id === id)?.label ?? id;
  const out: string[] = [];
  if (idea.incomplete) {
    out.push(
      `incomplète (${idea.missing.length} note${idea.missing.length > 1 ? "s" : ""} manquante${idea.missing.length > 1 ? "s" : ""} ; score possible ${SCORE.format(idea.range[0])} à ${SCORE.format(idea.range[1])})`,
    );
  }
  if (idea.nearVeto.length > 0)
    out.push(`proche d'un seuil éliminatoire : ${idea.nearVeto.map(label).join(", ")}`);
  if (idea.disagreement.length > 0)
    out.push(`désaccord entre évaluateurs : ${idea.disagreement.map(label).join(", ")}`);
  return out;
}

function probableRank(report: RankingReport, id: string): string {
  const simulated = report.simulation?.ideas.find((idea) => idea.id === id);
  if (!simulated) return "—";
  return simulated.rankLow === simulated.rankHigh
    ? `${simulated.rankLow}`
    : `${simulated.rankLow}–${simulated.rankHigh}`;
}

function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  const partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8] ?? "";
  return `${"█".repeat(Math.floor(eighths / 8))}${partial}`;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - [...text].length));
}

/** Text table for the terminal. `details` ideas get their per-criterion contribution bars. */
export function formatTable(report: RankingReport, grid: Grid, details = 5): string {
  const lines: string[] = [methodSentence(report), ""];
  if (report.ranking.length === 0) lines.push("Aucune piste classée.");
  else lines.push(...rankingRows(report, grid));
  if (report.eliminated.length > 0) {
    lines.push("", "Écartées par un critère éliminatoire :");
    for (const idea of report.eliminated)
      lines.push(`  ✗ ${idea.title} (${idea.id}) — ${idea.reasons.join(" ; ")}`);
  }
  // Under TOPSIS the score is a closeness, not a sum: there are no points to break down.
  const shown = report.method === "weighted-sum" ? report.ranking.slice(0, details) : [];
  if (shown.length > 0) lines.push(...contributionBars(report, grid, shown, details));
  if (report.stability.length > 0) {
    lines.push("", "Solidité du classement :");
    for (const interval of report.stability) lines.push(`  • ${interval.sentence}`);
  }
  const simulation = simulationSentence(report);
  if (simulation) lines.push("", simulation);
  if (report.ranking.some((idea) => idea.incomplete)) lines.push("", MISSING_SENTENCE);
  return lines.join("\n");
}

function rankingRows(report: RankingReport, grid: Grid): string[] {
  const lines: string[] = [];
  const titleWidth = Math.min(
    40,
    Math.max(5, ...report.ranking.map((idea) => [...idea.title].length)),
  );
  lines.push(
    `${pad("Rang", 5)}${pad("Piste", titleWidth + 2)}${pad("Score", 7)}${pad("", 22)}${pad("Rang probable", 15)}Signaux`,
  );
  for (const idea of report.ranking) {
    const title =
      [...idea.title].length > titleWidth
        ? `${[...idea.title].slice(0, titleWidth - 1).join("")}…`
        : idea.title;
    lines.push(
      `${pad(String(idea.rank), 5)}${pad(title, titleWidth + 2)}${pad(SCORE.format(idea.score), 7)}${pad(bar(idea.score / 100, 20), 22)}${pad(probableRank(report, idea.id), 15)}${flags(idea, grid).join(" ; ")}`.trimEnd(),
    );
  }
  return lines;
}

function contributionBars(
  report: RankingReport,
  grid: Grid,
  shown: readonly RankedIdea[],
  details: number,
): string[] {
  const lines: string[] = [];
  lines.push(
    "",
    `Contributions par critère (points sur 100)${report.ranking.length > details ? `, pour les ${details} premières` : ""} :`,
  );
  const labelWidth = Math.min(36, Math.max(...grid.criteria.map((c) => [...c.label].length)));
  for (const idea of shown) {
    lines.push(`  ${idea.rank}. ${idea.title}`);
    for (const criterion of grid.criteria) {
      const points = idea.contributions[criterion.id] ?? 0;
      const label =
        [...criterion.label].length > labelWidth
          ? `${[...criterion.label].slice(0, labelWidth - 1).join("")}…`
          : criterion.label;
      const missing = idea.missing.includes(criterion.id) ? "  (note manquante)" : "";
      lines.push(
        `     ${pad(label, labelWidth + 1)} ${pad(bar(points / (100 * criterion.weight), 10), 11)}${pad(SCORE.format(points), 5)} / ${SCORE.format(100 * criterion.weight)}${missing}`,
      );
    }
  }
  return lines;
}

function mdCell(text: string): string {
  // Untrusted titles: no table breaks, no inline HTML or links.
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[<>[\]`*_]/g, (c) => `\\${c}`)
    .replace(/\s+/g, " ");
}

export function formatMarkdown(report: RankingReport, grid: Grid): string {
  const lines: string[] = [
    "# Classement des pistes d'activité",
    "",
    methodSentence(report),
    "",
    "## Critères et poids",
    "",
  ];
  lines.push("| Critère | Sens | Poids | Seuil éliminatoire |", "|---|---|---:|---:|");
  for (const c of grid.criteria) {
    lines.push(
      `| ${mdCell(c.label)} | ${c.direction === "cost" ? "coût (plus haut = moins bien)" : "bénéfice"} | ${PERCENT.format(c.weight)} | ${c.veto === undefined ? "—" : `< ${c.veto}`} |`,
    );
  }
  lines.push("", "## Classement", "");
  if (report.ranking.length === 0) lines.push("Aucune piste classée.");
  else {
    lines.push(
      "| Rang | Piste | Score /100 | Rang probable | P(1re) | P(top 3) | Signaux |",
      "|---:|---|---:|---|---:|---:|---|",
    );
    for (const idea of report.ranking) {
      const simulated = report.simulation?.ideas.find((s) => s.id === idea.id);
      lines.push(
        `| ${idea.rank} | ${mdCell(idea.title)} | ${SCORE.format(idea.score)} | ${probableRank(report, idea.id)} | ${simulated ? PERCENT.format(simulated.pFirst) : "—"} | ${simulated ? PERCENT.format(simulated.pTop3) : "—"} | ${mdCell(flags(idea, grid).join(" ; ")) || "—"} |`,
      );
    }
  }
  if (report.method === "weighted-sum" && report.ranking.length > 0) {
    lines.push("", "### Contributions par critère (points sur 100)", "");
    lines.push(
      `| Piste | ${grid.criteria.map((c) => mdCell(c.label)).join(" | ")} |`,
      `|---|${grid.criteria.map(() => "---:").join("|")}|`,
    );
    for (const idea of report.ranking) {
      lines.push(
        `| ${mdCell(idea.title)} | ${grid.criteria.map((c) => `${SCORE.format(idea.contributions[c.id] ?? 0)}${idea.missing.includes(c.id) ? " (?)" : ""}`).join(" | ")} |`,
      );
    }
  }
  if (report.eliminated.length > 0) {
    lines.push("", "## Pistes écartées", "");
    for (const idea of report.eliminated)
      lines.push(`- **${mdCell(idea.title)}** : ${mdCell(idea.reasons.join(" ; "))}`);
  }
  if (report.stability.length > 0) {
    lines.push("", "## Solidité du classement", "");
    for (const interval of report.stability) lines.push(`- ${mdCell(interval.sentence)}`);
  }
  const simulation = simulationSentence(report);
  if (simulation) lines.push("", simulation);
  if (report.ranking.some((idea) => idea.incomplete)) lines.push("", MISSING_SENTENCE);
  return `${lines.join("\n")}\n`;
}

function csvCell(value: string | number | boolean): string {
  const text = String(value);
  // Leading = + - @ would be run as formulas by spreadsheets.
  const safe = /^[=+\-@]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV, comma-separated, dot decimals, unrounded: for spreadsheets and scripts. */
export function formatCsv(report: RankingReport, grid: Grid): string {
  // Every row names the method; the per-criterion points exist only for the weighted sum.
  const points = report.method === "weighted-sum" ? grid.criteria : [];
  const header = [
    "methode",
    "statut",
    "rang",
    "id",
    "titre",
    "score",
    "incomplete",
    "score_min",
    "score_max",
    "p_premier",
    "p_top3",
    "rang_probable_min",
    "rang_probable_max",
    ...points.map((c) => `contribution_${c.id}`),
    "raisons",
  ];
  const rows: (string | number | boolean)[][] = report.ranking.map((idea) => {
    const simulated = report.simulation?.ideas.find((s) => s.id === idea.id);
    return [
      report.method,
      "classée",
      idea.rank,
      idea.id,
      idea.title,
      idea.score,
      idea.incomplete,
      idea.range[0],
      idea.range[1],
      simulated?.pFirst ?? "",
      simulated?.pTop3 ?? "",
      simulated?.rankLow ?? "",
      simulated?.rankHigh ?? "",
      ...points.map((c) => idea.contributions[c.id] ?? 0),
      "",
    ];
  });
  for (const idea of report.eliminated) {
    const empty = Array.from({ length: 11 + points.length }, () => "");
    empty[1] = idea.id;
    empty[2] = idea.title;
    rows.push([report.method, "écartée", ...empty, idea.reasons.join(" ; ")]);
  }
  return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n")}\n`;
}
