import { type Argument, Command, Help, type Option } from "commander";
import type { CommandContext } from "./commands/context.js";

/**
 * The command tree: flags, French help and examples only. Each action imports
 * its command module lazily, so `pile --help` loads no feature code.
 */

const TITLES_FR: Record<string, string> = {
  "Usage:": "Utilisation :",
  "Options:": "Options :",
  "Commands:": "Commandes :",
  "Arguments:": "Arguments :",
  "Global Options:": "Options générales :",
};

class FrenchHelp extends Help {
  override styleTitle(title: string): string {
    return TITLES_FR[title] ?? title;
  }
  override optionDescription(option: Option): string {
    return option.description;
  }
  override commandUsage(command: Command): string {
    return super.commandUsage(command).replace("[command]", "[commande]");
  }
  override argumentDescription(argument: Argument): string {
    const fallback =
      argument.defaultValue === undefined ? "" : ` (par défaut : ${String(argument.defaultValue)})`;
    return `${argument.description}${fallback}`;
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] ?? 0;
      row[j] = Math.min(
        saved + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = saved;
    }
  }
  return row[b.length] ?? 0;
}

function suggest(word: string, candidates: readonly string[]): string {
  const best = candidates
    .map((candidate) => ({ candidate, d: distance(word, candidate) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(word.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  return best ? ` Vouliez-vous dire ${best.candidate} ?` : "";
}

/**
 * Commander's usage errors, in French and with exit code 2. These methods are
 * commander's documented extension points for error messages (see its
 * lib/command.js), overridden here rather than matching its English texts.
 */
class PileCommand extends Command {
  override createCommand(name?: string): Command {
    return new PileCommand(name);
  }
  override createHelp(): Help {
    return Object.assign(new FrenchHelp(), this.configureHelp());
  }
  private fail(message: string, code: string, suggestion = ""): never {
    const name = fullName(this);
    const where = name === "pile" ? "" : ` pour « pile ${name} »`;
    const help = name === "pile" ? "pile --help" : `pile ${name} --help`;
    this.error(`${message}${where}.${suggestion} Voir « ${help} ».`, { code, exitCode: 2 });
  }
  unknownOption(flag: string): void {
    const known = this.options.flatMap((o) => (o.long ? [o.long] : []));
    this.fail(`Option inconnue ${flag}`, "commander.unknownOption", suggest(flag, known));
  }
  unknownCommand(): void {
    const name = this.args[0] ?? "";
    const known = this.commands.map((c) => c.name());
    this.fail(`Commande inconnue « ${name} »`, "commander.unknownCommand", suggest(name, known));
  }
  missingArgument(name: string): void {
    this.fail(`Argument manquant : ${name.toUpperCase()}`, "commander.missingArgument");
  }
  optionMissingArgument(option: Option): void {
    this.fail(
      `L'option ${option.long ?? option.flags} attend une valeur`,
      "commander.optionMissingArgument",
    );
  }
  _excessArguments(received: string[]): void {
    this.fail(
      `Trop d'arguments : ${received.length} reçu${received.length > 1 ? "s" : ""}, ${this.registeredArguments.length} attendu${this.registeredArguments.length > 1 ? "s" : ""}`,
      "commander.excessArguments",
    );
  }
}

function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.slice(1).join(" ") || "pile";
}

function examples(lines: string[]): string {
  return `\nExemples :\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

export interface CliHooks {
  /** Builds the context once options are known (colour, workspace). */
  context(global: { color: boolean; workspace?: string; json?: boolean }): CommandContext;
  /** Receives the exit code of the action that ran. */
  setExitCode(code: number): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function buildCli(version: string, hooks: CliHooks): Command {
  const program = new PileCommand("pile");
  program
    .description(
      "Boîte à outils de LA PILE : dossiers d'étude des pistes d'activité pour les EBE\n" +
        "(Territoires zéro chômeur de longue durée, Paris 13e, 18e, 19e et 20e).",
    )
    .version(version, "-V, --version", "afficher la version")
    .helpOption("-h, --help", "afficher l'aide")
    .helpCommand("help [commande]", "afficher l'aide d'une commande")
    .option(
      "-w, --workspace <dossier>",
      "espace de travail à utiliser (sinon PILE_WORKSPACE, sinon le dossier courant ou un parent)",
    )
    .option("--no-color", "désactiver les couleurs (NO_COLOR est aussi respecté)")
    .option("--debug", "afficher le détail technique des erreurs")
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: hooks.stdout,
      writeErr: hooks.stderr,
      outputError: () => undefined,
    })
    .addHelpText(
      "after",
      examples([
        "pile init mon-espace",
        'pile study new --title "Recyclerie textile" --territory 18e --sector couture-textile --owner "Camille Martin"',
        "pile study list",
        "pile study check",
      ]),
    );

  const context = (command: Command, extra: { json?: boolean } = {}): CommandContext => {
    const global = command.optsWithGlobals() as { color: boolean; workspace?: string };
    return hooks.context({ color: global.color, workspace: global.workspace, ...extra });
  };

  /**
   * Every command's action: its module is loaded only now (start-up stays
   * light), then given the positional arguments under the names listed and
   * the options under commander's names (--dry-run → dryRun), a flag left out
   * being false. Each command module checks its own input.
   */
  const action =
    (
      load: () => Promise<(context: CommandContext, input: never) => Promise<number>>,
      ...names: string[]
    ) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = args[args.length - 2] as Record<string, unknown>;
      const input: Record<string, unknown> = { ...options };
      for (const option of command.options) {
        if (option.isBoolean())
          input[option.attributeName()] = options[option.attributeName()] === true;
      }
      names.forEach((name, index) => {
        input[name] = args[index];
      });
      const run = await load();
      // The input's shape is each command's own contract: checked there, not here.
      hooks.setExitCode(await run(context(command, { json: input.json === true }), input as never));
    };

  program
    .command("init")
    .description(
      "créer un espace de travail pile (studies/, feeds.yaml, criteria.yaml, templates/)",
    )
    .argument("[dossier]", "dossier à créer ou à compléter", ".")
    .option("--dry-run", "afficher ce qui serait créé, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText("after", examples(["pile init", "pile init ../espace-13e --dry-run"]))
    .action(action(() => import("./commands/init.js").then((m) => m.runInit), "dir"));

  const study = program
    .command("study")
    .description("dossiers d'étude : créer, faire avancer, entretiens, vérifier");
  study.addHelpText(
    "after",
    examples([
      'pile study new --title "Légumerie solidaire" --territory 19e --sector transformation-alimentaire --owner "Samir B." --yes',
      "pile study advance 2026-11-legumerie-solidaire-19e",
      'pile study interview 2026-11-legumerie-solidaire-19e --actor "Primeur des Lilas" --role "gérante"',
    ]),
  );

  study
    .command("new")
    .description("créer un dossier d'étude (pré-étude) à partir des modèles")
    .option("--title <titre>", "titre de la piste d'activité")
    .option("--territory <territoire>", "territoire : 13e, 18e, 19e, 20e (ou ceux de pile.yaml)")
    .option("--sector <secteur>", "secteur d'activité (par exemple economie-circulaire)")
    .option("--origin <texte>", "origine de l'idée (texte libre)")
    .option("--owner <nom>", "porteur ou porteuse de l'étude")
    .option("--date <AAAA-MM-JJ>", "date de début (par défaut : aujourd'hui, heure de Paris)")
    .option("-y, --yes", "accepter les valeurs par défaut et créer sans récapitulatif")
    .option("--dry-run", "afficher ce qui serait créé, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile study new",
        'pile study new --title "Recyclerie textile" --territory 18e --sector couture-textile --owner "Camille Martin" --origin "Groupe de travail des volontaires" --yes',
        'pile study new --title "Atelier vélo" --territory 20e --sector mobilite --owner "Léa" --dry-run',
      ]) +
        "\nSans terminal (script, CI), rien n'est demandé : les options --title, --territory,\n--sector et --owner sont alors obligatoires.\n",
    )
    .action(action(() => import("./commands/study-new.js").then((m) => m.runStudyNew)));

  study
    .command("advance")
    .description(
      "passer l'étude à l'étape suivante (ajoute les fichiers de l'étape, sans toucher aux existants)",
    )
    .argument("<id>", "identifiant de l'étude (nom de son dossier)")
    .option("--to <étape>", "étape visée : faisabilite, prefiguration, lancee ou abandonnee")
    .option("--reason <texte>", "raison de l'abandon (obligatoire avec --to abandonnee)")
    .option("--date <AAAA-MM-JJ>", "date du passage (par défaut : aujourd'hui, heure de Paris)")
    .option("--dry-run", "afficher ce qui serait créé, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile study advance 2026-11-recyclerie-textile-18e",
        "pile study advance 2026-11-recyclerie-textile-18e --to prefiguration --date 2027-03-01",
        'pile study advance 2026-11-recyclerie-textile-18e --to abandonnee --reason "Concurrence avec une ressourcerie voisine"',
      ]),
    )
    .action(
      action(() => import("./commands/study-advance.js").then((m) => m.runStudyAdvance), "id"),
    );

  study
    .command("interview")
    .description("ajouter une fiche d'entretien avec un acteur économique local")
    .argument("<id>", "identifiant de l'étude")
    .option("--actor <nom>", "organisation rencontrée (entreprise, association, service…)")
    .option(
      "--role <fonction>",
      "fonction de la personne rencontrée (pas de coordonnées personnelles)",
    )
    .option("--date <AAAA-MM-JJ>", "date de l'entretien (par défaut : aujourd'hui, heure de Paris)")
    .option("--dry-run", "afficher ce qui serait créé, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        'pile study interview 2026-11-recyclerie-textile-18e --actor "Retoucherie de la Chapelle" --role "gérant" --date 2026-12-03',
      ]),
    )
    .action(
      action(() => import("./commands/study-interview.js").then((m) => m.runStudyInterview), "id"),
    );

  study
    .command("score")
    .description("noter l'étude critère par critère, selon la grille criteria.yaml")
    .argument("<id>", "identifiant de l'étude")
    .option(
      "--set <critère=note>",
      "note d'un critère : un nombre, « ? » si inconnue, ou bas:probable:haut (répétable)",
      collect,
      [],
    )
    .option("--note <critère=texte>", "justification en une ligne (répétable)", collect, [])
    .option("--dry-run", "afficher les notes, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile study score 2026-11-recyclerie-textile-18e",
        'pile study score 2026-11-recyclerie-textile-18e --set supplementarite=4 --set investissement=2:3:4 --set faisabilite=? --note supplementarite="Aucune friperie dans le quartier"',
      ]) +
        "\nDans un terminal, sans --set, pile présente chaque critère avec ses niveaux et demande la note.\n",
    )
    .action(action(() => import("./commands/study-score.js").then((m) => m.runStudyScore), "id"));

  study
    .command("list")
    .description("lister les études de l'espace de travail")
    .option("--stage <étape>", "seulement les études à cette étape")
    .option("--territory <territoire>", "seulement les études de ce territoire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples(["pile study list", "pile study list --stage faisabilite --territory 19e --json"]),
    )
    .action(action(() => import("./commands/study-list.js").then((m) => m.runStudyList)));

  study
    .command("show")
    .description("afficher la fiche d'une étude : étapes, fichiers, entretiens, reste à faire")
    .argument("<id>", "identifiant de l'étude")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText("after", examples(["pile study show 2026-11-recyclerie-textile-18e"]))
    .action(action(() => import("./commands/study-show.js").then((m) => m.runStudyShow), "id"));

  study
    .command("check")
    .description(
      "vérifier les dossiers (pour la relecture et la CI) : code 1 si une erreur est trouvée",
    )
    .argument("[id...]", "études à vérifier (toutes par défaut)")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples(["pile study check", "pile study check 2026-11-recyclerie-textile-18e --json"]),
    )
    .action(action(() => import("./commands/study-check.js").then((m) => m.runStudyCheck), "ids"));

  program
    .command("score")
    .description("classer les pistes d'activité notées, et dire si le classement est solide")
    .argument(
      "[id...]",
      "études à classer (par défaut : toutes les études notées, sauf abandonnées)",
    )
    .option("--territory <territoire>", "seulement les études de ce territoire")
    .option("--stage <étape>", "seulement les études à cette étape")
    .option(
      "--ideas <fichier>",
      "classer les pistes d'un fichier YAML (ideas:) plutôt que les études",
    )
    .option(
      "--grid <fichier>",
      "utiliser cette grille plutôt que criteria.yaml (avec --ideas, fonctionne hors d'un espace de travail)",
    )
    .option("--method <méthode>", "weighted-sum (par défaut) ou topsis")
    .option(
      "--simulations <n>",
      "nombre de tirages de la simulation (par défaut : 10 000 ; 0 pour aucune)",
    )
    .option(
      "--seed <n>",
      "graine de la simulation (fixe par défaut, pour un résultat reproductible)",
    )
    .option("--format <format>", "table (par défaut), md (rapport Markdown) ou csv")
    .option("--json", "sortie JSON pour les scripts (nombres non arrondis)")
    .addHelpText(
      "after",
      examples([
        "pile score",
        "pile score --territory 18e --format md",
        "pile score --ideas examples/idees.yaml --method topsis",
        "pile score --ideas examples/idees.yaml --grid criteria.yaml --json",
      ]),
    )
    .action(action(() => import("./commands/score.js").then((m) => m.runScore), "ids"));

  const veille = program
    .command("veille")
    .description("veille économique et réglementaire : collecter, lister, gérer les sources");
  veille.addHelpText(
    "after",
    examples(["pile veille pull", "pile veille list --since 2026-11-01 --tag rep-textiles"]),
  );

  veille
    .command("pull")
    .description(
      "interroger les sources de feeds.yaml et ranger les nouvelles entrées dans veille/",
    )
    .option("--source <id>", "seulement cette source (répétable)", collect, [])
    .option("--dry-run", "tout interroger, sans rien écrire")
    .option("--no-digest", "ne pas réécrire la synthèse de la semaine (veille/digests/)")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile veille pull",
        "pile veille pull --source service-public-particuliers --json",
      ]) +
        "\nCode de sortie : 0 si toutes les sources ont répondu, 1 si certaines sont en erreur (ce que les\nautres ont apporté est enregistré), 2 si feeds.yaml est invalide.\n",
    )
    .action(action(() => import("./commands/veille-pull.js").then((m) => m.runVeillePull)));

  veille
    .command("list")
    .description("lister les entrées de la veille, les plus récentes d'abord")
    .option("--since <AAAA-MM-JJ>", "à partir de ce jour (heure de Paris)")
    .option("--until <AAAA-MM-JJ>", "jusqu'à ce jour inclus")
    .option("--tag <thème>", "seulement les entrées de ce thème ou de cette étiquette")
    .option("--source <id>", "seulement les entrées de cette source")
    .option(
      "--search <texte>",
      "texte à chercher dans le titre et le résumé (sans tenir compte des accents)",
    )
    .option("--limit <n>", "au plus n entrées")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile veille list --limit 20",
        'pile veille list --since 2026-11-01 --search "fonds réemploi" --json',
      ]),
    )
    .action(action(() => import("./commands/veille-list.js").then((m) => m.runVeilleList)));

  veille
    .command("digest")
    .description(
      "écrire la synthèse de la veille d'une semaine (par défaut la semaine en cours, heure de Paris)",
    )
    .option("--week <AAAA-Www>", "la semaine ISO voulue, par exemple 2026-W48")
    .option("--since <AAAA-MM-JJ>", "ou une période : premier jour")
    .option("--until <AAAA-MM-JJ>", "dernier jour inclus (avec --since)")
    .option("--format <md|html>", "Markdown pour le dépôt (par défaut) ou HTML pour le courriel")
    .option(
      "--out <fichier>",
      "écrire dans ce fichier (refusé s'il existe, sauf --force ; « - » pour la sortie standard)",
    )
    .option("--force", "remplacer le fichier de --out s'il existe")
    .option("--dry-run", "préparer la synthèse sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile veille digest",
        "pile veille digest --week 2026-W47 --format html --out synthese.html",
        "pile veille digest --since 2026-11-01 --until 2026-11-30 --out -",
      ]) +
        "\nPar défaut, la synthèse est écrite dans veille/digests/AAAA-Www.md (ou .html) et son chemin\naffiché ; la régénérer à partir des mêmes entrées donne exactement le même fichier.\n",
    )
    .action(action(() => import("./commands/veille-digest.js").then((m) => m.runVeilleDigest)));

  veille
    .command("keep")
    .description("ranger une entrée de la veille dans les références d'une étude (references.md)")
    .argument("<entrée>", "lien de l'entrée (affiché par pile veille list) ou son identifiant")
    .option("--study <id>", "l'étude où la ranger")
    .option("--note <texte>", "une note d'une ligne : pourquoi elle compte pour l'étude")
    .option("--dry-run", "montrer sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        'pile veille keep https://exemple.org/appel-fonds-reemploi --study 2026-09-recyclerie-textile-18e --note "Candidater avant le 31 janvier"',
      ]),
    )
    .action(action(() => import("./commands/veille-keep.js").then((m) => m.runVeilleKeep), "item"));

  veille
    .command("sources")
    .description(
      "l'état de chaque source : dernier succès, dernière erreur, entrées rangées, dernière nouveauté",
    )
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText("after", examples(["pile veille sources", "pile veille sources --json"]))
    .action(action(() => import("./commands/veille-sources.js").then((m) => m.runVeilleSources)));

  veille
    .command("add")
    .description(
      "ajouter une source à feeds.yaml : trouve le flux (adresse d'un flux ou d'une page qui en signale un) et le vérifie",
    )
    .argument("<url>", "adresse du flux ou de la page")
    .option("--id <id>", "identifiant de la source (sinon tiré du titre)")
    .option("--title <titre>", "titre de la source (sinon celui du flux)")
    .option("--tags <a,b>", "étiquettes ajoutées à toutes ses entrées, séparées par des virgules")
    .option("--dry-run", "vérifier et montrer, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText(
      "after",
      examples([
        "pile veille add https://www.economie.gouv.fr/",
        'pile veille add https://exemple.org/flux.xml --id exemple --title "Exemple" --tags ess,insertion-emploi',
      ]) +
        "\nL'adresse est refusée si elle est déjà dans feeds.yaml. Le reste du fichier (commentaires,\nmise en page) n'est pas modifié.\n",
    )
    .action(action(() => import("./commands/veille-add.js").then((m) => m.runVeilleAdd), "url"));

  const opml = veille
    .command("opml")
    .description("échanger les sources avec un lecteur de flux (fichiers OPML)");
  opml.addHelpText(
    "after",
    examples([
      "pile veille opml import abonnements.opml",
      "pile veille opml export --out veille.opml",
    ]),
  );
  opml
    .command("import")
    .description(
      "ajouter à feeds.yaml les flux d'un fichier OPML (ceux déjà présents sont laissés de côté)",
    )
    .argument("<fichier>", "fichier OPML exporté d'un lecteur de flux")
    .option("--dry-run", "montrer ce qui serait ajouté, sans rien écrire")
    .option("--json", "sortie JSON pour les scripts")
    .addHelpText("after", examples(["pile veille opml import abonnements.opml --dry-run"]))
    .action(action(() => import("./commands/veille-opml.js").then((m) => m.runOpmlImport), "file"));
  opml
    .command("export")
    .description("écrire les flux de feeds.yaml au format OPML (sur la sortie standard par défaut)")
    .option("--out <fichier>", "écrire dans ce fichier (refusé s'il existe, sauf --force)")
    .option("--force", "remplacer le fichier s'il existe")
    .option("--dry-run", "montrer ce qui serait écrit, sans rien écrire")
    .addHelpText(
      "after",
      examples([
        "pile veille opml export > veille.opml",
        "pile veille opml export --out veille.opml",
      ]),
    )
    .action(action(() => import("./commands/veille-opml.js").then((m) => m.runOpmlExport)));

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
