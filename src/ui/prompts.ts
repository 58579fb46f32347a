import { CancelledError } from "../errors.js";

/**
 * Prompts go through this small interface so that commands can be tested with
 * scripted answers, and so that @inquirer/prompts is loaded only when a person
 * is actually asked something.
 */

export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

export interface Prompter {
  input(question: {
    message: string;
    default?: string;
    validate?: (value: string) => string | true;
  }): Promise<string>;
  select<T extends string>(question: {
    message: string;
    choices: Choice<T>[];
    default?: T;
  }): Promise<T>;
}

export interface TerminalContext {
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
}

/** Interactive only with a terminal on stdin and outside CI: never hang a script. */
export function isInteractive(context: TerminalContext): boolean {
  const ci = context.env.CI;
  const underCi = ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
  return context.stdinIsTTY && !underCi;
}

function isCancel(error: unknown): boolean {
  // @inquirer/prompts rejects with ExitPromptError on Ctrl-C or closed input,
  // and AbortPromptError when aborted.
  return (
    error instanceof Error &&
    (error.name === "ExitPromptError" || error.name === "AbortPromptError")
  );
}

async function guard<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (isCancel(error)) throw new CancelledError();
    throw error;
  }
}

const KEY_ACTIONS_FR: Record<string, string> = {
  navigate: "choisir",
  select: "valider",
};

/** The key help line of @inquirer/select, in French. */
function keysHelpTip(keys: [string, string][]): string {
  return keys.map(([key, action]) => `${key} ${KEY_ACTIONS_FR[action] ?? action}`).join(" • ");
}

/** The real prompter: questions on stderr, so that stdout stays for data. */
export function createInquirerPrompter(streams: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}): Prompter {
  const context = { input: streams.input, output: streams.output, clearPromptOnDone: false };
  const load = () => import("@inquirer/prompts");
  return {
    input: (q) =>
      guard(async () => {
        const { input } = await load();
        return input(
          {
            message: q.message,
            ...(q.default === undefined ? {} : { default: q.default }),
            ...(q.validate === undefined ? {} : { validate: q.validate }),
          },
          context,
        );
      }),
    select: <T extends string>(q: { message: string; choices: Choice<T>[]; default?: T }) =>
      guard(async () => {
        const { select } = await load();
        return select<T>(
          {
            message: q.message,
            choices: q.choices,
            pageSize: 12,
            theme: { style: { keysHelpTip } },
            ...(q.default === undefined ? {} : { default: q.default }),
          },
          context,
        );
      }),
  };
}
