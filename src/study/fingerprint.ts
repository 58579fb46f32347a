import { createHash } from "node:crypto";

/** Fingerprint of a generated file, so that `study update` can tell untouched files from edited ones. */
export function fingerprint(content: string): string {
  return `sha256:${createHash("sha256").update(content, "utf8").digest("hex")}`;
}
