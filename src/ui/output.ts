import { Chalk, type ChalkInstance } from "chalk";

/**
 * The one place that decides colour and where text goes: data on stdout,
 * progress and diagnostics on stderr. Commands never touch process streams.
 */

export interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Output {
  /** Colours for stderr (messages, progress). */
  readonly color: ChalkInstance;
  /** Colours for stdout (data): off as soon as stdout is not a terminal, e.g. redirected to a file. */
  readonly dataColor: ChalkInstance;
  readonly json: boolean;
  /** Data: tables, paths, the JSON document. */
  data(text: string): void;
  /** One JSON document on stdout, numbers unrounded. */
  jsonDocument(value: unknown): void;
  /** Progress and information for a person (stderr). */
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export interface OutputOptions {
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** false when --no-color was given. */
  colorFlag?: boolean;
  json?: boolean;
}

/**
 * chalk alone colours a real terminal even when NO_COLOR is set, so the level
 * is decided here: NO_COLOR (any non-empty value), --no-color, a non-TTY
 * stream or TERM=dumb turn colour off; FORCE_COLOR turns it on.
 */
export function colorEnabled(
  stream: Writable,
  env: Record<string, string | undefined>,
  colorFlag = true,
): boolean {
  if (!colorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export function createOutput(options: OutputOptions): Output {
  const color = new Chalk({
    level: colorEnabled(options.stderr, options.env, options.colorFlag) ? 1 : 0,
  });
  const dataColor = new Chalk({
    level: colorEnabled(options.stdout, options.env, options.colorFlag) ? 1 : 0,
  });
  const line = (stream: Writable, text: string) =>
    stream.write(text.endsWith("\n") ? text : `${text}\n`);
  return {
    color,
    dataColor,
    json: options.json ?? false,
    data: (text) => line(options.stdout, text),
    jsonDocument: (value) => line(options.stdout, JSON.stringify(value, null, 2)),
    info: (text) => line(options.stderr, text),
    warn: (text) => line(options.stderr, `${color.yellow("Attention :")} ${text}`),
    error: (text) => line(options.stderr, `${color.red("Erreur :")} ${text}`),
  };
}
