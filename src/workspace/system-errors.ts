/** System error codes in words a person understands. */
const REASONS_FR: Record<string, string> = {
  ENOENT: "introuvable",
  EISDIR: "c'est un dossier",
  ENOTDIR: "un élément du chemin n'est pas un dossier",
  EACCES: "permission refusée",
  EPERM: "permission refusée",
  EROFS: "disque en lecture seule",
  ENOSPC: "disque plein",
  EDQUOT: "quota de disque dépassé",
  EEXIST: "existe déjà",
  EMFILE: "trop de fichiers ouverts",
  ENAMETOOLONG: "nom trop long",
  ENFILE: "trop de fichiers ouverts",
  EIO: "erreur de lecture ou d'écriture du disque",
  EBUSY: "fichier ou dossier occupé",
};

export function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && REASONS_FR[code]) ?? "erreur du système de fichiers";
}
