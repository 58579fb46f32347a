import { open, realpath } from "node:fs/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import path from "node:path";
import {
  brotliDecompressSync,
  gunzipSync,
  inflateRawSync,
  inflateSync,
  constants as zlibConstants,
} from "node:zlib";
import { systemReason } from "../workspace/system-errors.js";

/**
 * Fetching one source: Node's http and https clients, a timeout per request,
 * the size cap enforced while reading (after decompression), at most 5
 * redirects followed by hand (to see loops), conditional GET, one retry with
 * backoff on network errors and 5xx. Every failure is a French reason, never
 * an exception. (Node's fetch does the same with more machinery: about 25 ms
 * to load on the first request and a slower first round of requests, which a
 * pull of a hundred sources pays in full.)
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

/** The body as sent, up to `maxBytes` (then the connection is closed). */
function readRaw(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    response.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        response.destroy();
        reject(new Failure("trop volumineux"));
        return;
      }
      chunks.push(chunk);
    });
    response.on("end", () => resolve(Buffer.concat(chunks, total)));
    response.on("error", reject);
  });
}

/** A zlib stream ("deflate" per the standard), or raw deflate as some servers send. */
function isZlibWrapped(bytes: Buffer): boolean {
  const [cmf = 0, flg = 0] = bytes;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/** Real compressions pile cannot undo: a body in one of them is unreadable. */
const UNSUPPORTED_CODINGS = new Set(["compress", "x-compress", "zstd"]);

/**
 * Undoes the content codings the server lists (the last applied first), the
 * decompressed size capped like the body: a small compressed bomb is refused.
 * Like Node's fetch: a token that names no compression (`none`, `UTF-8`, sent
 * by misconfigured servers) ends the decoding, the bytes kept as they are;
 * a gzip or deflate stream cut short gives what it holds.
 */
function decode(body: Buffer, header: string | undefined, maxBytes: number): Buffer {
  const codings = (header ?? "")
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  let bytes = body;
  for (const coding of codings.reverse()) {
    const options = { maxOutputLength: maxBytes };
    const lenient = { ...options, finishFlush: zlibConstants.Z_SYNC_FLUSH };
    try {
      if (coding === "gzip" || coding === "x-gzip") bytes = gunzipSync(bytes, lenient);
      else if (coding === "br") bytes = brotliDecompressSync(bytes, options);
      else if (coding === "deflate")
        bytes = isZlibWrapped(bytes) ? inflateSync(bytes, lenient) : inflateRawSync(bytes, lenient);
      else if (UNSUPPORTED_CODINGS.has(coding))
        throw new Failure(`contenu encodé en « ${coding} », que pile ne sait pas lire`);
      else break;
    } catch (error) {
      if (error instanceof Failure) throw error;
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
        throw new Failure("trop volumineux");
      throw new Failure("contenu compressé illisible");
    }
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

/** Sends one GET; resolves with the response head, its body not read yet. */
function get(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers, signal }, resolve);
    request.on("error", reject);
  });
}

/**
 * Ends a response whose body is not wanted: the connection is closed rather
 * than the body read (an error page may be huge, or never end).
 */
function discard(response: IncomingMessage): void {
  response.destroy();
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
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
      const headers: Record<string, string> = {
        "user-agent": options.userAgent,
        accept: ACCEPT,
        "accept-encoding": "gzip, deflate, br",
      };
      // Validators belong to the URL that gave them (the end of the redirects).
      const own = current === (validators.url ?? url);
      if (own && validators.etag) headers["if-none-match"] = validators.etag;
      if (own && validators.lastModified) headers["if-modified-since"] = validators.lastModified;
      let target: URL;
      try {
        target = new URL(current);
      } catch {
        throw new Failure("adresse invalide");
      }
      if (!/^https?:$/.test(target.protocol)) throw new Failure("adresse ni http ni https");
      let response: IncomingMessage;
      try {
        response = await get(target, headers, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) throw new Failure("délai dépassé", true);
        throw networkReason(error);
      }
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304) {
        const location = header(response, "location");
        discard(response);
        if (!location) throw new Failure(`HTTP ${status} sans adresse de redirection`);
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
          throw new Failure("redirection vers une adresse ni http ni https");
        current = next;
        continue;
      }
      if (status === 304) {
        discard(response);
        return { status: "not-modified", url: current };
      }
      if (status < 200 || status > 299) {
        discard(response);
        throw new Failure(`HTTP ${status}`, status >= 500);
      }
      const length = Number(header(response, "content-length") ?? Number.NaN);
      if (Number.isFinite(length) && length > options.maxBytes) {
        discard(response);
        throw new Failure("trop volumineux");
      }
      let bytes: Uint8Array;
      try {
        bytes = decode(
          await readRaw(response, options.maxBytes),
          header(response, "content-encoding"),
          options.maxBytes,
        );
      } catch (error) {
        if (error instanceof Failure) throw error;
        if (controller.signal.aborted) throw new Failure("délai dépassé", true);
        throw networkReason(error);
      }
      const etag = header(response, "etag");
      const lastModified = header(response, "last-modified");
      return {
        status: "ok",
        bytes,
        contentType: header(response, "content-type"),
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
