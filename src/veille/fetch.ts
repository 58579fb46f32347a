import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { systemReason } from "../workspace/system-errors.js";

/**
 * Fetching one source: Node's own fetch, a timeout per request, the size cap
 * enforced while reading, at most 5 redirects followed by hand (to see loops),
 * conditional GET, one retry with backoff on network errors and 5xx. Every
 * failure is a French reason, never an exception.
 */

export interface Validators {
  etag?: string;
  lastModified?: string;
  /** The URL that answered with these validators (after redirects): they are sent to it only. */
  url?: string;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
  /** Delay before the single retry (tests make it short). */
  retryDelayMs: number;
  /** Workspace root, for `file:` URLs. */
  root: string;
}

export type FetchResult =
  | {
      status: "ok";
      bytes: Uint8Array;
      contentType: string | undefined;
      /** After redirects. */
      url: string;
      validators: Validators;
    }
  | { status: "not-modified"; url: string }
  | { status: "error"; reason: string };

export const MAX_REDIRECTS = 5;

const ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

class Failure extends Error {
  constructor(
    readonly reason: string,
    /** Worth one more try: network errors and 5xx. */
    readonly transient = false,
  ) {
    super(reason);
  }
}

async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  abort: () => void,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      abort();
      await reader.cancel().catch(() => undefined);
      throw new Failure("trop volumineux");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function networkReason(error: unknown): Failure {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new Failure("serveur introuvable (DNS)", true);
    case "ECONNREFUSED":
      return new Failure("connexion refusée", true);
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return new Failure("connexion interrompue", true);
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return new Failure("certificat TLS invalide");
    default:
      return new Failure(`erreur réseau${code ? ` (${code})` : ""}`, true);
  }
}

async function attempt(
  url: string,
  validators: Validators,
  options: FetchOptions,
): Promise<FetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const seen = new Set<string>();
    let current = url;
    for (let redirects = 0; ; redirects++) {
      seen.add(current);
      const headers: Record<string, string> = { "user-agent": options.userAgent, accept: ACCEPT };
      // Validators belong to the URL that gave them (the end of the redirects).
      const own = current === (validators.url ?? url);
      if (own && validators.etag) headers["if-none-match"] = validators.etag;
      if (own && validators.lastModified) headers["if-modified-since"] = validators.lastModified;
      let response: Response;
      try {
        response = await fetch(current, { headers, redirect: "manual", signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted) throw new Failure("délai dépassé", true);
        throw networkReason(error);
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get("location");
        await response.body?.cancel().catch(() => undefined);
        if (!location) throw new Failure(`HTTP ${response.status} sans adresse de redirection`);
        let next: string;
        try {
          next = new URL(location, current).toString();
        } catch {
          throw new Failure("redirection vers une adresse invalide");
        }
        if (seen.has(next)) throw new Failure("boucle de redirections");
        if (redirects + 1 > MAX_REDIRECTS)
          throw new Failure(`plus de ${MAX_REDIRECTS} redirections`);
        if (!/^https?:$/.test(new URL(next).protocol))
          throw new Failure("redirection vers une adresse non http(s)");
        current = next;
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel().catch(() => undefined);
        return { status: "not-modified", url: current };
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new Failure(`HTTP ${response.status}`, response.status >= 500);
      }
      const length = Number(response.headers.get("content-length") ?? Number.NaN);
      if (Number.isFinite(length) && length > options.maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw new Failure("trop volumineux");
      }
      let bytes: Uint8Array;
      try {
        bytes = await readCapped(response.body, options.maxBytes, () => controller.abort());
      } catch (error) {
        if (error instanceof Failure) throw error;
        if (controller.signal.aborted) throw new Failure("délai dépassé", true);
        throw networkReason(error);
      }
      const etag = response.headers.get("etag") ?? undefined;
      const lastModified = response.headers.get("last-modified") ?? undefined;
      return {
        status: "ok",
        bytes,
        contentType: response.headers.get("content-type") ?? undefined,
        url: current,
        validators: {
          ...(etag ? { etag } : {}),
          ...(lastModified ? { lastModified } : {}),
          url: current,
        },
      };
    }
  } finally {
    clearTimeout(timer);
  }
}

async function readLocal(url: string, options: FetchOptions): Promise<FetchResult> {
  const relative = url.slice("file:".length);
  const file = path.resolve(options.root, relative);
  const outside = { status: "error", reason: "chemin hors de l'espace de travail" } as const;
  if (!file.startsWith(path.resolve(options.root) + path.sep)) return outside;
  // The real path counts too: a symbolic link must not lead out of the workspace.
  const real = await Promise.all([realpath(options.root), realpath(file)]).catch(() => undefined);
  if (real && !real[1].startsWith(real[0] + path.sep)) return outside;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, "r");
    const size = (await handle.stat()).size;
    if (size > options.maxBytes) return { status: "error", reason: "trop volumineux" };
    const bytes = new Uint8Array(await handle.readFile());
    return { status: "ok", bytes, contentType: undefined, url, validators: {} };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      status: "error",
      reason:
        code === "ENOENT" ? "fichier introuvable" : `fichier illisible (${systemReason(error)})`,
    };
  } finally {
    await handle?.close();
  }
}

export async function fetchSource(
  url: string,
  validators: Validators,
  options: FetchOptions,
): Promise<FetchResult> {
  if (url.startsWith("file:")) return readLocal(url, options);
  try {
    return await attempt(url, validators, options);
  } catch (error) {
    const failure = error instanceof Failure ? error : networkReason(error);
    if (!failure.transient) return { status: "error", reason: failure.reason };
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
    try {
      return await attempt(url, validators, options);
    } catch (again) {
      return {
        status: "error",
        reason: (again instanceof Failure ? again : networkReason(again)).reason,
      };
    }
  }
}

/** Runs the tasks it is given with at most `limit` at once, the others waiting in turn (first come, first run). */
export type Limiter = <R>(task: () => Promise<R>) => Promise<R>;

export function limiter(limit: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task waiting, if any.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Runs `task` over `items` with at most `limit` at once; results keep the items' order. */
export function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = limiter(limit);
  return Promise.all(items.map((item, index) => run(() => task(item, index))));
}
