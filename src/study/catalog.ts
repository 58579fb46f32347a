import * as z from "zod";
import { slugify } from "./slug.js";

/**
 * Territories and sectors a study can belong to. The defaults are LA PILE's
 * four Paris territories; a workspace's `pile.yaml` may replace either list
 * (EBE names change, other territories join), so none of it is hard-wired in
 * the commands.
 */

const idPattern = /^[a-z0-9][a-z0-9-]*$/;

export const territorySchema = z.strictObject({
  id: z.string().regex(idPattern, "identifiant en minuscules, chiffres et tirets"),
  label: z.string().min(1),
  ebe: z.string().default(""),
  neighbourhoods: z.array(z.string().min(1)).default([]),
});

export const sectorSchema = z.strictObject({
  id: z.string().regex(idPattern, "identifiant en minuscules, chiffres et tirets"),
  label: z.string().min(1),
});

function uniqueIds(list: { id: string }[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const [index, item] of list.entries()) {
    if (seen.has(item.id)) {
      context.addIssue({
        code: "custom",
        path: [index, "id"],
        message: `l'identifiant « ${item.id} » apparaît deux fois`,
      });
    }
    seen.add(item.id);
  }
}

export const workspaceConfigSchema = z.strictObject({
  territories: z.array(territorySchema).min(1).superRefine(uniqueIds).optional(),
  sectors: z.array(sectorSchema).min(1).superRefine(uniqueIds).optional(),
});

export type Territory = z.infer<typeof territorySchema>;
export type Sector = z.infer<typeof sectorSchema>;
export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

export interface Catalog {
  territories: Territory[];
  sectors: Sector[];
}

export const DEFAULT_TERRITORIES: Territory[] = [
  {
    id: "13e",
    label: "Paris 13e",
    ebe: "13 Avenir",
    neighbourhoods: ["Bédier-Boutroux", "Oudiné-Chevaleret"],
  },
  {
    id: "18e",
    label: "Paris 18e",
    ebe: "Activ'18",
    neighbourhoods: ["Charles Hermite", "Valentin-Abeille (La Chapelle Nord)"],
  },
  { id: "19e", label: "Paris 19e", ebe: "Emile et Rosa", neighbourhoods: ["Rosa Parks"] },
  {
    id: "20e",
    label: "Paris 20e",
    ebe: "La Compagnie du 20e",
    neighbourhoods: ["Fougères – Le Vau"],
  },
];

export const DEFAULT_SECTORS: Sector[] = [
  { id: "economie-circulaire", label: "Économie circulaire et réemploi" },
  { id: "transformation-alimentaire", label: "Transformation et redistribution alimentaires" },
  { id: "services-proximite", label: "Services de proximité aux habitants et aux entreprises" },
  { id: "mobilite", label: "Mobilité (vélo, petite logistique)" },
  { id: "espaces-verts-agriculture-urbaine", label: "Espaces verts et agriculture urbaine" },
  { id: "artisanat-fabrication", label: "Artisanat, menuiserie et petite fabrication" },
  { id: "couture-textile", label: "Couture et textile" },
  { id: "batiment-reemploi", label: "Bâtiment et réemploi de matériaux" },
  { id: "lien-social", label: "Lien social et tiers-lieux" },
  { id: "autre", label: "Autre" },
];

export function catalogFrom(config: WorkspaceConfig | undefined): Catalog {
  return {
    territories: config?.territories ?? DEFAULT_TERRITORIES,
    sectors: config?.sectors ?? DEFAULT_SECTORS,
  };
}

/**
 * Finds a territory or sector from what a person typed: the id itself, any
 * case or accents, the label, or for territories the bare number ("18").
 */
export function findEntry<T extends { id: string; label: string }>(
  list: readonly T[],
  typed: string,
): T | undefined {
  const wanted = slugify(typed, 200);
  if (wanted === "") return undefined;
  return list.find(
    (entry) =>
      entry.id === wanted ||
      slugify(entry.label, 200) === wanted ||
      // "18" for "18e": arrondissements are often typed as bare numbers.
      (/^\d+$/.test(wanted) && entry.id === `${wanted}e`),
  );
}
