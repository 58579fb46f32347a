import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  DEFAULT_SETTINGS,
  type FeedsFile,
  feedsSchema,
  resolveSettings,
  sourceUrlSchema,
} from "../../src/veille/feeds.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const SOURCE = { id: "src", title: "Source", url: "https://exemple.org/rss" };
const TOPIC = { id: "rep", label: "REP", keywords: ["filière REP"] };

function messages(value: unknown): string[] {
  const result = feedsSchema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

function paths(value: unknown): string[] {
  const result = feedsSchema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
}

describe("feedsSchema: defaults", () => {
  it("an empty document is valid: no settings, topics or sources", () => {
    expect(feedsSchema.parse({})).toEqual({ settings: {}, topics: [], sources: [] });
  });

  it("resolveSettings fills the defaults: 8 at once, 20 s, 5 MB, pile/<version>", () => {
    expect(DEFAULT_SETTINGS).toEqual({
      concurrency: 8,
      timeoutSeconds: 20,
      maxBytes: 5 * 1024 * 1024,
    });
    expect(resolveSettings(feedsSchema.parse({}), "0.1.0")).toEqual({
      concurrency: 8,
      timeoutSeconds: 20,
      maxBytes: 5_242_880,
      userAgent: "pile/0.1.0",
    });
  });

  it("the user agent names the homepage when package.json has one", () => {
    expect(
      resolveSettings(feedsSchema.parse({}), "1.2.3", "https://exemple.org/pile").userAgent,
    ).toBe("pile/1.2.3 (+https://exemple.org/pile)");
    expect(resolveSettings(feedsSchema.parse({}), "1.2.3", "").userAgent).toBe("pile/1.2.3");
  });

  it("settings given in the file win", () => {
    const file = feedsSchema.parse({
      settings: { concurrency: 2, timeoutSeconds: 0.5, maxBytes: 2048, userAgent: "veille/1" },
    });
    expect(resolveSettings(file, "0.1.0", "https://exemple.org")).toEqual({
      concurrency: 2,
      timeoutSeconds: 0.5,
      maxBytes: 2048,
      userAgent: "veille/1",
    });
  });

  it.each([
    [{ concurrency: 0 }],
    [{ concurrency: 65 }],
    [{ concurrency: 1.5 }],
    [{ timeoutSeconds: 0 }],
    [{ timeoutSeconds: 601 }],
    [{ maxBytes: 1023 }],
    [{ maxBytes: 100 * 1024 * 1024 + 1 }],
    [{ userAgent: "" }],
    [{ concurrency: "8" }],
    [{ retries: 3 }],
  ])("refuses the settings %j", (settings) => {
    expect(feedsSchema.safeParse({ settings }).success).toBe(false);
  });

  it("accepts the bounds of the settings", () => {
    for (const settings of [
      { concurrency: 1, timeoutSeconds: 600, maxBytes: 1024 },
      { concurrency: 64, maxBytes: 100 * 1024 * 1024 },
    ])
      expect(feedsSchema.safeParse({ settings }).success).toBe(true);
  });
});

describe("feedsSchema: source URLs", () => {
  it.each([
    "http://exemple.org/rss",
    "https://exemple.org/flux?format=rss&x=1",
    "HTTPS://EXEMPLE.ORG/",
    "http://127.0.0.1:8080/feed",
    "file:relative/path.xml",
    "file:flux.xml",
    "file:./sources/flux.xml",
    "file:a..b/c...xml",
  ])("accepts %s", (url) => {
    expect(sourceUrlSchema.safeParse(url).success).toBe(true);
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, url }] }).success).toBe(true);
  });

  it.each([
    "file:/etc/passwd",
    "file:///etc/passwd",
    "file://hote/partage/flux.xml",
    "file:../x",
    "file:a/../../x",
    "file:sources/..",
    "file:",
    "FILE:/etc/passwd",
    "ftp://exemple.org/rss",
    "javascript:alert(1)",
    "data:text/xml,<rss/>",
    "mailto:veille@exemple.org",
    "exemple.org/rss",
    "/rss",
    "",
    "https://",
  ])("refuses %j", (url) => {
    expect(sourceUrlSchema.safeParse(url).success).toBe(false);
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, url }] }).success).toBe(false);
  });

  it("says, in French, what an address must be", () => {
    expect(messages({ sources: [{ ...SOURCE, url: "ftp://x" }] })).toEqual([
      "adresse http:// ou https:// attendue, ou file: suivi d'un chemin relatif à l'espace de travail (par exemple file:exemples/flux.xml)",
    ]);
  });
});

describe("feedsSchema: ids, kinds and keys", () => {
  it("refuses a topic id or a source id given twice, pointing at the second", () => {
    expect(paths({ topics: [TOPIC, { ...TOPIC, label: "Autre" }] })).toEqual(["topics.1.id"]);
    expect(messages({ topics: [TOPIC, TOPIC] })).toEqual(["le thème « rep » apparaît deux fois"]);
    expect(
      paths({ sources: [SOURCE, { ...SOURCE, url: "https://autre.example/" }, SOURCE] }),
    ).toEqual(["sources.1.id", "sources.2.id"]);
    expect(messages({ sources: [SOURCE, SOURCE] })).toEqual([
      "la source « src » apparaît deux fois",
    ]);
  });

  it("a topic and a source may share an id", () => {
    expect(
      feedsSchema.safeParse({ topics: [{ ...TOPIC, id: "x" }], sources: [{ ...SOURCE, id: "x" }] })
        .success,
    ).toBe(true);
  });

  it.each(["Majuscule", "-tiret", "_souligné", "espace id", "é", ""])("refuses the id %j", (id) => {
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, id }] }).success).toBe(false);
    expect(feedsSchema.safeParse({ topics: [{ ...TOPIC, id }] }).success).toBe(false);
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, tags: [id] }] }).success).toBe(false);
  });

  it("kind: html needs select, with item, title and link", () => {
    expect(paths({ sources: [{ ...SOURCE, kind: "html" }] })).toEqual(["sources.0.select"]);
    expect(
      feedsSchema.safeParse({ sources: [{ ...SOURCE, kind: "html", select: { item: "article" } }] })
        .success,
    ).toBe(false);
    const ok = feedsSchema.parse({
      sources: [
        {
          ...SOURCE,
          kind: "html",
          select: { item: "article", title: "h2", link: "h2 a", date: "time" },
        },
      ],
    });
    expect(ok.sources[0]?.select).toEqual({
      item: "article",
      title: "h2",
      link: "h2 a",
      date: "time",
    });
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, kind: "rss" }] }).success).toBe(false);
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, kind: "feed" }] }).success).toBe(true);
  });

  it.each([
    [{ extra: 1 }],
    [{ settings: { concurrency: 2, proxy: "x" } }],
    [{ topics: [{ ...TOPIC, keyword: ["x"] }] }],
    [{ sources: [{ ...SOURCE, tag: ["rep"] }] }],
    [
      {
        sources: [
          { ...SOURCE, kind: "html", select: { item: "a", title: "b", link: "c", author: "d" } },
        ],
      },
    ],
  ])("refuses unknown keys: %j", (value) => {
    expect(feedsSchema.safeParse(value).success).toBe(false);
  });

  it("a topic needs at least one keyword, a source a title", () => {
    expect(feedsSchema.safeParse({ topics: [{ ...TOPIC, keywords: [] }] }).success).toBe(false);
    expect(feedsSchema.safeParse({ topics: [{ ...TOPIC, keywords: [""] }] }).success).toBe(false);
    expect(feedsSchema.safeParse({ sources: [{ ...SOURCE, title: "" }] }).success).toBe(false);
    expect(
      feedsSchema.safeParse({ sources: [{ id: "s", url: "https://x.example/" }] }).success,
    ).toBe(false);
  });
});

describe("the shipped feeds.yaml", () => {
  async function load(relative: string): Promise<{ text: string; file: FeedsFile }> {
    const text = await readFile(path.join(REPO, relative), "utf8");
    const parsed = parseYamlText(text, "feeds.yaml", feedsSchema);
    if (!parsed.ok) throw parsed.error;
    return { text, file: parsed.value };
  }

  it("the workspace's and the template's both parse, and say the same thing", async () => {
    const root = await load("feeds.yaml");
    const template = await load("templates/workspace/feeds.yaml");
    expect(root.file.sources.length).toBeGreaterThan(0);
    expect(root.file.topics.length).toBeGreaterThan(0);
    expect(template.file).toEqual(root.file);
    expect(parseYaml(template.text)).toEqual(parseYaml(root.text));
  });

  it("its settings are the defaults, and every html source has selectors", async () => {
    const { file } = await load("templates/workspace/feeds.yaml");
    expect(resolveSettings(file, "0.1.0")).toEqual({
      ...DEFAULT_SETTINGS,
      userAgent: "pile/0.1.0",
    });
    for (const source of file.sources)
      if (source.kind === "html") expect(source.select).toBeDefined();
  });
});
