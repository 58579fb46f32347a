import { constants, statSync } from "node:fs";
import type * as FsPromises from "node:fs/promises";
import { constants as osConstants } from "node:os";
import path from "node:path";

/**
 * Simulated file-system faults for in-process runs, since tests may run as
 * root (which ignores chmod): a test file replaces node:fs/promises with
 *
 *   vi.mock("node:fs/promises", async (importOriginal) =>
 *     (await import("../helpers/fs-faults.js")).withFaults(await importOriginal()));
 *
 * and arms `faults` around one command. Only operations that create or modify
 * something under `root` are seen (a read never fails); removals are cleanup
 * and are never the failing operation, except on a read-only disk where they
 * fail like everything else that would change it.
 */

export type FaultCode = "EROFS" | "EACCES" | "ENOSPC" | "EDQUOT";

export interface FaultPlan {
  /** Only operations on paths inside this folder are seen. */
  root: string;
  /**
   * count: fail nothing, only record; one: fail the `at`-th recorded operation
   * (1-based); read-only: fail every operation that would change the disk.
   */
  mode: "count" | "one" | "read-only";
  at?: number;
  code: FaultCode;
  /** Operations on matching paths (workspace-relative) are neither counted nor failed. */
  ignore?: RegExp;
}

export interface SeenOperation {
  op: string;
  /** Workspace-relative, with forward slashes. */
  path: string;
  failed: boolean;
}

export const faults: { plan: FaultPlan | undefined; seen: SeenOperation[] } = {
  plan: undefined,
  seen: [],
};

/** Runs `body` with the plan armed, and returns the operations it saw. */
export async function withPlan<T>(
  plan: FaultPlan,
  body: () => Promise<T>,
): Promise<{ result: T; seen: SeenOperation[] }> {
  faults.plan = plan;
  faults.seen = [];
  try {
    const result = await body();
    return { result, seen: faults.seen };
  } finally {
    faults.plan = undefined;
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

const MESSAGES: Record<FaultCode, string> = {
  EROFS: "read-only file system",
  EACCES: "permission denied",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
};

function systemError(code: FaultCode, syscall: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${MESSAGES[code]}, ${syscall} '${file}'`), {
    code,
    errno: -((osConstants.errno as Record<string, number>)[code] ?? 0),
    syscall,
    path: file,
  });
}

type Kind = "change" | "removal" | "mkdir";

/** Throws the planned fault for this operation, if it is the one (or the disk is read-only). */
function check(op: string, target: unknown, kind: Kind): void {
  const plan = faults.plan;
  if (!plan || (typeof target !== "string" && !(target instanceof URL))) return;
  const file = path.resolve(target instanceof URL ? target.pathname : target);
  const root = path.resolve(plan.root);
  if (file !== root && !file.startsWith(root + path.sep)) return;
  const relative = path.relative(root, file).split(path.sep).join("/");
  if (plan.ignore?.test(relative)) return;
  // mkdir of an existing folder changes nothing, and fails on no disk.
  if (kind === "mkdir" && isDirectory(file)) return;
  if (kind === "removal") {
    // Removing what does not exist fails with ENOENT (or nothing, with force), read-only or not.
    if (plan.mode !== "read-only" || !exists(file)) return;
  }
  const fail =
    plan.mode === "read-only" ||
    (plan.mode === "one" && kind !== "removal" && faults.seen.length + 1 === plan.at);
  if (kind !== "removal") faults.seen.push({ op, path: relative, failed: fail });
  if (fail) throw systemError(plan.code, op, file);
}

const HANDLE_WRITES = new Set(["writeFile", "write", "writev", "appendFile", "truncate", "sync"]);

function isWriteFlag(flags: unknown): boolean {
  if (flags === undefined) return false;
  if (typeof flags === "number")
    return (
      (flags &
        (constants.O_WRONLY |
          constants.O_RDWR |
          constants.O_CREAT |
          constants.O_APPEND |
          constants.O_TRUNC)) !==
      0
    );
  return /[wax+]/.test(String(flags));
}

function guardedHandle(handle: FsPromises.FileHandle, file: string): FsPromises.FileHandle {
  return new Proxy(handle, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && HANDLE_WRITES.has(property)) {
        return async (...args: unknown[]) => {
          check(`handle.${property}`, file, "change");
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

/** node:fs/promises with the faults of `faults.plan` injected; everything else is the real module. */
export function withFaults(actual: typeof FsPromises): typeof FsPromises {
  const wrap =
    <A extends unknown[], R>(
      op: string,
      kind: Kind,
      fn: (...args: A) => Promise<R>,
      targetOf: (args: A) => unknown = (args) => args[0],
    ) =>
    async (...args: A): Promise<R> => {
      check(op, targetOf(args), kind);
      return fn(...args);
    };
  const open = async (...args: Parameters<typeof actual.open>) => {
    const [file, flags] = args;
    if (!isWriteFlag(flags)) return actual.open(...args);
    check("open", file, "change");
    return guardedHandle(await actual.open(...args), path.resolve(String(file)));
  };
  const wrapped = {
    open,
    mkdir: wrap("mkdir", "mkdir", actual.mkdir as (...args: unknown[]) => Promise<unknown>),
    mkdtemp: wrap("mkdtemp", "change", actual.mkdtemp as (...args: unknown[]) => Promise<unknown>),
    writeFile: wrap("writeFile", "change", actual.writeFile),
    appendFile: wrap("appendFile", "change", actual.appendFile),
    copyFile: wrap("copyFile", "change", actual.copyFile, (args) => args[1]),
    cp: wrap("cp", "change", actual.cp, (args) => args[1]),
    link: wrap("link", "change", actual.link, (args) => args[1]),
    symlink: wrap("symlink", "change", actual.symlink, (args) => args[1]),
    rename: wrap("rename", "change", actual.rename, (args) => args[1]),
    chmod: wrap("chmod", "change", actual.chmod),
    truncate: wrap("truncate", "change", actual.truncate),
    utimes: wrap("utimes", "change", actual.utimes),
    unlink: wrap("unlink", "removal", actual.unlink),
    rm: wrap("rm", "removal", actual.rm),
    rmdir: wrap("rmdir", "removal", actual.rmdir),
  } as unknown as Partial<typeof FsPromises>;
  const module = { ...actual, ...wrapped };
  return { ...module, default: module } as typeof FsPromises;
}
