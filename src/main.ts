import path from "node:path";
import { CommanderError } from "commander";
import { buildCli } from "./cli.js";
import type { CommandContext } from "./commands/context.js";
import { CancelledError, formatLocation, UserError } from "./errors.js";
import { packageInfo } from "./package-info.js";
import { createOutput, type Writable } from "./ui/output.js";
import { createInquirerPrompter, isInteractive, type Prompter } from "./ui/prompts.js";

/**
 * The entry point: the only place that reads argv and the environment of the
 * process and that decides the exit code.
 */

export interface ProcessIo {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Defaults to stdin.isTTY; tests set it to drive the interactive path. */
  stdinIsTTY?: boolean;
  stdout: Writable;
  stderr: Writable;
  now?: () => Date;
  /** Tests pass scripted answers; the default asks a person with @inquirer/prompts. */
  prompter?: Prompter;
}

function wantsDebug(argv: readonly string[], env: ProcessIo["env"]): boolean {
  return argv.includes("--debug") || env.PILE_DEBUG === "1";
}

/** Failures of the disk or the system, which no change to pile would avoid. */
const ENVIRONMENT_CODES = new Set([
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOSPC",
  "EDQUOT",
  "EMFILE",
  "ENFILE",
  "EIO",
  "EBUSY",
]);

function isEnvironmentFailure(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === "string" && ENVIRONMENT_CODES.has(code);
}

/** A path as the person sees it: relative to where pile runs, with forward slashes. */
function shownPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return (relative === "" ? "." : relative).split(path.sep).join("/");
}

export async function main(io: ProcessIo): Promise<number> {
  let exitCode = 0;
  let lastContext: CommandContext | undefined;
  const debug = wantsDebug(io.argv, io.env);
  const fallbackOutput = () =>
    createOutput({
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      colorFlag: !io.argv.includes("--no-color"),
    });
  const program = buildCli(packageInfo().version, {
    context: ({ color, workspace, json }) => {
      const output = createOutput({
        stdout: io.stdout,
        stderr: io.stderr,
        env: io.env,
        colorFlag: color,
        json: json ?? false,
      });
      lastContext = {
        cwd: io.cwd,
        env: io.env,
        output,
        interactive: isInteractive({
          stdinIsTTY: io.stdinIsTTY ?? io.stdin.isTTY === true,
          env: io.env,
        }),
        prompter:
          io.prompter ??
          createInquirerPrompter({
            input: io.stdin,
            output: io.stderr as unknown as NodeJS.WritableStream,
          }),
        now: io.now ?? (() => new Date()),
        workspaceFlag: workspace,
      };
      return lastContext;
    },
    setExitCode: (code) => {
      exitCode = code;
    },
    stdout: (text) => io.stdout.write(text),
    stderr: (text) => io.stderr.write(text),
  });

  try {
    await program.parseAsync(io.argv, { from: "user" });
    return exitCode;
  } catch (error) {
    const output = lastContext?.output ?? fallbackOutput();
    // With --json, stdout stays one JSON document even on failure: {"error": {...}}.
    const json = lastContext?.output.json ?? io.argv.includes("--json");
    const report = (code: number, message: string, extra: Record<string, unknown> = {}): number => {
      if (json)
        io.stdout.write(
          `${JSON.stringify({ error: { message, ...extra, exitCode: code } }, null, 2)}\n`,
        );
      return code;
    };
    if (error instanceof CommanderError) {
      // Help and version are successes; every usage error is exit 2.
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return 0;
      }
      output.error(error.message);
      return report(2, error.message);
    }
    if (error instanceof CancelledError) {
      output.info("Annulé : rien n'a été écrit.");
      return report(130, "Annulé : rien n'a été écrit.");
    }
    if (error instanceof UserError) {
      const where =
        error.location && !error.message.includes(error.location.file)
          ? ` (${formatLocation(error.location)})`
          : "";
      output.error(`${error.message}${where}`);
      if (error.hint) output.info(`  → ${error.hint}`);
      if (debug && error.cause instanceof Error && error.cause.stack)
        output.info(error.cause.stack);
      return report(error.exitCode, `${error.message}${where}`, {
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error.location ? { file: error.location.file } : {}),
        ...(error.location?.line !== undefined ? { line: error.location.line } : {}),
        ...(error.location?.column !== undefined ? { column: error.location.column } : {}),
      });
    }
    if (isEnvironmentFailure(error)) {
      // The disk refused (read-only, full, no permission): not a bug, and nothing to debug.
      const { systemReason } = await import("./workspace/system-errors.js");
      const where = error.path ? ` sur ${shownPath(io.cwd, error.path)}` : "";
      const message = `Le système de fichiers a refusé une opération${where} : ${systemReason(error)}.`;
      const hint = "Vérifiez les droits et la place disponible, puis relancez la commande.";
      output.error(message);
      output.info(`  → ${hint}`);
      if (debug && error.stack) output.info(error.stack);
      return report(1, message, { hint });
    }
    output.error(
      "pile a rencontré une erreur inattendue (un bogue). Relancez avec --debug et signalez le message à l'équipe.",
    );
    if (debug) output.info(error instanceof Error ? (error.stack ?? error.message) : String(error));
    else output.info(`  → ${error instanceof Error ? error.message : String(error)}`);
    return report(1, error instanceof Error ? error.message : String(error), { bug: true });
  }
}

export async function run(): Promise<void> {
  process.exitCode = await main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
