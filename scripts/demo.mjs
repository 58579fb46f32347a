#!/usr/bin/env node
// `npm start`: a guided tour of pile on the bundled example dossiers, in a
// temporary workspace, with no network. Every step is a real run of the CLI.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(root, "bin", "pile.js");
const base = process.env.PILE_DEMO_DIR ?? mkdtempSync(path.join(tmpdir(), "pile-demo-"));
const workspace = path.join(base, "espace-demo");
const env = { ...process.env, PILE_WORKSPACE: workspace };
delete env.CI;

const bold = (text) =>
  process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${text}\u001b[22m` : text;

function step(explanation, args, expected = 0) {
  console.log(
    `\n${bold(`▶ ${explanation}`)}\n$ pile ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(" ")}`,
  );
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: base, env, stdio: "inherit" });
  if (result.status !== expected) {
    console.error(
      `\nLa démonstration s'arrête : « pile ${args.join(" ")} » a rendu le code ${result.status} (attendu : ${expected}).`,
    );
    process.exit(1);
  }
}

console.log(bold("Démonstration de pile, sur les dossiers d'exemple (sans réseau)."));
console.log(`Espace de travail temporaire : ${workspace}`);

step("Créer un espace de travail", ["init", workspace]);
cpSync(path.join(root, "studies"), path.join(workspace, "studies"), {
  recursive: true,
  force: false,
  errorOnExist: false,
});
console.log("\n(les trois dossiers d'exemple du dépôt y sont copiés)");
step("Lister les études en cours", ["study", "list"]);
step("Créer une nouvelle étude sans question, tout par options", [
  "study",
  "new",
  "--title",
  "Conciergerie de quartier",
  "--territory",
  "13e",
  "--sector",
  "services-proximite",
  "--owner",
  "Nadia Haddad",
  "--origin",
  "Demande de commerçants de l'avenue d'Italie",
  "--date",
  "2026-11-23",
]);
step(
  "Une étude qui existe déjà n'est jamais écrasée (code 2)",
  [
    "study",
    "new",
    "--title",
    "Conciergerie de quartier",
    "--territory",
    "13e",
    "--sector",
    "services-proximite",
    "--owner",
    "Nadia Haddad",
    "--date",
    "2026-11-23",
  ],
  2,
);
step("Noter un entretien avec un commerçant du quartier", [
  "study",
  "interview",
  "2026-11-conciergerie-de-quartier-13e",
  "--actor",
  "Pressing de la place",
  "--role",
  "gérant",
  "--date",
  "2026-11-25",
]);
step("Passer à l'étude de faisabilité (simulation d'abord)", [
  "study",
  "advance",
  "2026-11-conciergerie-de-quartier-13e",
  "--date",
  "2026-11-27",
  "--dry-run",
]);
step("Puis pour de bon", [
  "study",
  "advance",
  "2026-11-conciergerie-de-quartier-13e",
  "--date",
  "2026-11-27",
]);
step("La fiche de l'étude", ["study", "show", "2026-11-conciergerie-de-quartier-13e"]);
step(
  "Noter la nouvelle étude (un « ? » pour une note encore inconnue, bas:probable:haut si incertaine)",
  [
    "study",
    "score",
    "2026-11-conciergerie-de-quartier-13e",
    "--set",
    "supplementarite=3",
    "--set",
    "utilite_territoriale=3",
    "--set",
    "potentiel_emplois=2",
    "--set",
    "accessibilite=5",
    "--set",
    "adequation_personnes=4",
    "--set",
    "viabilite_economique=3:4:4",
    "--set",
    "investissement=1",
    "--set",
    "impact_environnemental=1",
    "--set",
    "faisabilite=?",
    "--note",
    "supplementarite=Le pressing voisin propose de nous confier la collecte, pas le nettoyage",
  ],
);
step("Vérifier tous les dossiers avant une relecture (notes comprises)", ["study", "check"]);
step("Classer les études notées, avec la solidité du classement", [
  "score",
  "--simulations",
  "2000",
]);
step("Classer des pistes qui ne sont pas encore des études (fichier d'exemple), méthode TOPSIS", [
  "score",
  "--ideas",
  path.join(root, "examples", "idees.yaml"),
  "--method",
  "topsis",
]);

// The watch, offline: the workspace keeps the real topics of feeds.yaml, but
// its sources are replaced by the saved sample feeds of the repository.
cpSync(path.join(root, "examples", "veille"), path.join(workspace, "exemples", "veille"), {
  recursive: true,
});
const { parseDocument } = await import("yaml");
const feeds = parseDocument(readFileSync(path.join(workspace, "feeds.yaml"), "utf8"));
feeds.set("sources", [
  {
    id: "service-public-demo",
    title: "Service-Public (démonstration)",
    url: "file:exemples/veille/service-public.xml",
    tags: ["officiel"],
  },
  {
    id: "filieres-demo",
    title: "Actualités des filières (démonstration)",
    url: "file:exemples/veille/eco-organismes.atom",
  },
  {
    id: "localtis-demo",
    title: "Localtis (démonstration, windows-1252)",
    url: "file:exemples/veille/localtis-windows-1252.xml",
  },
]);
writeFileSync(path.join(workspace, "feeds.yaml"), feeds.toString());
console.log(
  "\n(feeds.yaml de l'espace de démonstration : les thèmes réels, et trois flux d'exemple enregistrés dans le dépôt)",
);
step("Collecter la veille (flux locaux, sans réseau)", ["veille", "pull"]);
step("Une deuxième collecte n'apporte rien de nouveau", ["veille", "pull"]);
step(
  "Les dernières entrées et leurs thèmes (la « REP » de l'éducation prioritaire n'est pas prise pour une filière)",
  ["veille", "list", "--limit", "8"],
);
step("Seulement la filière textile", ["veille", "list", "--tag", "rep-textiles"]);

console.log(
  `\n${bold("Fin de la démonstration.")} L'espace reste disponible pour explorer :\n  cd ${workspace}\n  node ${bin} study list`,
);
