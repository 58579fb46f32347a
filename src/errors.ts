/**
 * User errors are expected failures caused by input (flags, files, state of the
 * workspace). They print as one French sentence plus a hint, without a stack.
 * Anything else that reaches the entry point is a bug.
 */

export interface SourceLocation {
  /** Path as shown to the user (relative to the workspace when possible). */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
}

export interface UserErrorOptions {
  hint?: string;
  location?: SourceLocation;
  /** 2 for bad usage or input (the default), 1 for a partial failure. */
  exitCode?: number;
  cause?: unknown;
}

export class UserError extends Error {
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly exitCode: number;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.hint = options.hint;
    this.location = options.location;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** The user cancelled a prompt (Ctrl-C, closed input): nothing is written, exit 130. */
export class CancelledError extends Error {
  constructor() {
    super("Opération annulée.");
    this.name = "CancelledError";
  }
}

export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}
