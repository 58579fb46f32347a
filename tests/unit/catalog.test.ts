import { describe, expect, it } from "vitest";
import {
  catalogFrom,
  DEFAULT_SECTORS,
  DEFAULT_TERRITORIES,
  findEntry,
  workspaceConfigSchema,
} from "../../src/study/catalog.js";

const { territories, sectors } = catalogFrom(undefined);

describe("catalogFrom", () => {
  it("defaults to LA PILE's four Paris territories", () => {
    expect(territories.map((t) => t.id)).toEqual(["13e", "18e", "19e", "20e"]);
    expect(territories.map((t) => t.label)).toEqual([
      "Paris 13e",
      "Paris 18e",
      "Paris 19e",
      "Paris 20e",
    ]);
  });

  it("defaults to the ten built-in sectors", () => {
    expect(sectors.map((s) => s.id)).toEqual([
      "economie-circulaire",
      "transformation-alimentaire",
      "services-proximite",
      "mobilite",
      "espaces-verts-agriculture-urbaine",
      "artisanat-fabrication",
      "couture-textile",
      "batiment-reemploi",
      "lien-social",
      "autre",
    ]);
  });

  it("uses the defaults for an empty config", () => {
    expect(catalogFrom({})).toEqual({ territories: DEFAULT_TERRITORIES, sectors: DEFAULT_SECTORS });
  });

  it("replaces one list and keeps the default for the other", () => {
    const own = [{ id: "lyon-8e", label: "Lyon 8e", ebe: "", neighbourhoods: [] }];
    const catalog = catalogFrom({ territories: own });
    expect(catalog.territories).toEqual(own);
    expect(catalog.sectors).toEqual(DEFAULT_SECTORS);
  });

  it("gives ids that match the workspace id pattern", () => {
    expect(workspaceConfigSchema.safeParse({ territories, sectors }).success).toBe(true);
  });
});

describe("findEntry", () => {
  it.each([
    ["18e", "18e"],
    ["13e", "13e"],
    ["18", "18e"],
    ["20", "20e"],
    [" 19 ", "19e"],
    ["18E", "18e"],
    ["Paris 18e", "18e"],
    ["paris 13E", "13e"],
    ["PARIS-20E", "20e"],
  ])("territory %j → %s", (typed, id) => {
    expect(findEntry(territories, typed)?.id).toBe(id);
  });

  it.each([
    ["economie-circulaire", "economie-circulaire"],
    ["ÉCONOMIE-CIRCULAIRE", "economie-circulaire"],
    ["Économie circulaire", "economie-circulaire"],
    ["Économie circulaire et réemploi", "economie-circulaire"],
    ["Couture et textile", "couture-textile"],
    ["couture & textile", "couture-textile"],
    ["couture-textile", "couture-textile"],
    ["Mobilité (vélo, petite logistique)", "mobilite"],
    ["AUTRE", "autre"],
  ])("sector %j → %s", (typed, id) => {
    expect(findEntry(sectors, typed)?.id).toBe(id);
  });

  it.each([[""], ["   "], ["!!"], ["21"], ["18eme"], ["Paris"], ["textile"], ["Lyon 8e"]])(
    "territory %j → undefined",
    (typed) => {
      expect(findEntry(territories, typed)).toBeUndefined();
    },
  );

  it.each([[""], ["couture"], ["18"], ["economie"]])("sector %j → undefined", (typed) => {
    expect(findEntry(sectors, typed)).toBeUndefined();
  });

  it("returns the entry object itself", () => {
    expect(findEntry(territories, "18")).toBe(territories[1]);
  });
});

describe("workspaceConfigSchema", () => {
  const territory = (id: string) => ({ id, label: `Territoire ${id}` });

  it("accepts a config with territories and fills the defaults", () => {
    const result = workspaceConfigSchema.safeParse({ territories: [territory("18e")] });
    expect(result.success).toBe(true);
    expect(result.data?.territories).toEqual([
      { id: "18e", label: "Territoire 18e", ebe: "", neighbourhoods: [] },
    ]);
  });

  it.each([
    [
      "duplicate territory ids",
      { territories: [territory("18e"), territory("18e")] },
      ["territories", 1, "id"],
    ],
    [
      "duplicate sector ids",
      {
        sectors: [
          { id: "a", label: "A" },
          { id: "b", label: "B" },
          { id: "a", label: "A bis" },
        ],
      },
      ["sectors", 2, "id"],
    ],
    ["unknown top-level key", { territories: [territory("18e")], colour: "bleu" }, []],
    [
      "unknown territory key",
      { territories: [{ ...territory("18e"), qpv: ["x"] }] },
      ["territories", 0],
    ],
    ["unknown sector key", { sectors: [{ id: "a", label: "A", icon: "x" }] }, ["sectors", 0]],
    ["uppercase id", { territories: [territory("18E")] }, ["territories", 0, "id"]],
    ["id with a space", { territories: [territory("paris 18")] }, ["territories", 0, "id"]],
    ["id starting with a hyphen", { sectors: [{ id: "-x", label: "X" }] }, ["sectors", 0, "id"]],
    ["id with a slash", { sectors: [{ id: "a/b", label: "X" }] }, ["sectors", 0, "id"]],
    ["id with dots", { sectors: [{ id: "..", label: "X" }] }, ["sectors", 0, "id"]],
    ["empty id", { sectors: [{ id: "", label: "X" }] }, ["sectors", 0, "id"]],
    ["empty label", { sectors: [{ id: "x", label: "" }] }, ["sectors", 0, "label"]],
    ["empty territory list", { territories: [] }, ["territories"]],
  ])("rejects %s", (_name, config, path) => {
    const result = workspaceConfigSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it("says in French which id appears twice", () => {
    const result = workspaceConfigSchema.safeParse({
      territories: [territory("18e"), territory("18e")],
    });
    expect(result.error?.issues[0]?.message).toBe("l'identifiant « 18e » apparaît deux fois");
  });
});
