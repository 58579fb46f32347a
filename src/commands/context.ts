import type { Output } from "../ui/output.js";
import type { Prompter } from "../ui/prompts.js";

/**
 * What a command may use of the outside world. Built once by main.ts; tests
 * build their own with fake streams, a fixed clock and scripted prompts.
 */
export interface CommandContext {
  cwd: string;
  env: Record<string, string | undefined>;
  output: Output;
  /** Interactive only with a terminal and outside CI. */
  interactive: boolean;
  prompter: Prompter;
  now: () => Date;
  /** --workspace DIR, when given. */
  workspaceFlag?: string | undefined;
}

/** A command returns its exit code: 0 success, 1 partial failure. */
export type CommandResult = number;
