import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildDigest, type DigestInput, type DigestModel } from "../../src/veille/digest.js";
import {
  DigestTemplateError,
  escapeHtml,
  escapeMarkdown,
  htmlUrl,
  markdownUrl,
  renderDigest,
} from "../../src/veille/digest-render.js";
import type { Item } from "../../src/veille/normalise.js";
import { rangePeriod } from "../../src/veille/week.js";
import { item, NOW, W48 } from "./digest-fixtures.js";

const MD = readFileSync(new URL("../../templates/veille/digest.md.hbs", import.meta.url), "utf8");
const HTML = readFileSync(
  new URL("../../templates/veille/digest.html.hbs", import.meta.url),
  "utf8",
);

function input(fields: Partial<DigestInput> = {}): DigestInput {
  return {
    items: [],
    period: W48,
    topics: [
      { id: "rep-textiles", label: "Textiles d'habillement, linge de maison et chaussures (TLC)" },
      { id: "tzcld", label: "Territoires zéro chômeur de longue durée" },
    ],
    sources: [
      { id: "refashion", title: "Refashion" },
      { id: "tzcld", title: "TZCLD" },
      { id: "down", title: "Service en panne" },
      { id: "quiet", title: "Source muette" },
    ],
    state: {
      down: { consecutiveFailures: 2, lastErrorReason: "HTTP 503", lastError: NOW.toISOString() },
      quiet: {
        consecutiveFailures: 0,
        lastSuccess: NOW.toISOString(),
        lastNewItem: "2026-09-01T00:00:00.000Z",
      },
    },
    studies: [
      { id: "friperie", title: "Friperie solidaire", veille: { keywords: ["textile"] } },
      { id: "cuisine", title: "Cuisine", veille: { keywords: ["conserverie"] } },
    ],
    now: NOW,
    ...fields,
  };
}

const FRIENDLY = [
  item({
    id: "a",
    title: "La filière textile se structure",
    summary: "Refashion publie son bilan annuel.",
    tags: ["rep-textiles", "tzcld"],
    sources: ["refashion", "tzcld"],
  }),
  item({ id: "b", title: "Nouveau territoire habilité", tags: ["tzcld"], sources: ["tzcld"] }),
  item({ id: "c", title: "Un article sans thème", link: undefined }),
];

const render = (model: DigestModel, format: "md" | "html") =>
  renderDigest(model, format === "md" ? MD : HTML, format);

/** Lines of the Markdown that come from the template, not from a feed, start with these. */
function expectTidy(text: string): void {
  expect(text.endsWith("\n")).toBe(true);
  expect(text.endsWith("\n\n")).toBe(false);
  expect(text).not.toMatch(/\r/);
  expect(text).not.toMatch(/[ \t]+\n/);
  expect(text).not.toMatch(/\n\n\n/);
  expect(text.startsWith("\n")).toBe(false);
}

describe("the Markdown digest", () => {
  const text = render(buildDigest(input({ items: FRIENDLY })), "md");

  it("has the title, the period, the counts and one section per topic, then « Autres »", () => {
    expect(text.startsWith("# Veille de LA PILE — semaine 48 de 2026\n")).toBe(true);
    expect(text).toContain(
      "Période : semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026.",
    );
    expect(text).toContain("**3 nouvelles entrées**, apportées par 2 sources.");
    expect(text).toContain("1 source est en erreur");
    const headings = text.split("\n").filter((line) => line.startsWith("## "));
    expect(headings).toEqual([
      "## Textiles d'habillement, linge de maison et chaussures \\(TLC\\) (1)",
      "## Territoires zéro chômeur de longue durée (1)",
      "## Autres (1)",
      "## Pour vos études",
      "## État des sources",
    ]);
  });

  it("gives each item its link, sources, date, other topics and summary", () => {
    expect(text).toContain(
      [
        "- [La filière textile se structure](https://example.org/a)\\",
        "  Refashion, TZCLD · mardi 24 novembre 2026 · aussi : Territoires zéro chômeur de longue durée\\",
        "  Refashion publie son bilan annuel.",
      ].join("\n"),
    );
    // No link, no summary: no dangling hard break.
    expect(text).toContain("- Un article sans thème\\\n  Refashion · mardi 24 novembre 2026\n");
  });

  it("lists the items of each study, and the studies with nothing", () => {
    expect(text).toContain(
      "### Friperie solidaire (1)\n\n- [La filière textile se structure](https://example.org/a) · mardi 24 novembre 2026 · repéré par : textile\n",
    );
    expect(text).toContain("Rien cette semaine pour : Cuisine.");
  });

  it("names the sources in error and the silent ones", () => {
    expect(text).toContain(
      "- Service en panne : HTTP 503 (2 échecs de suite, le dernier le vendredi 27 novembre 2026 ; aucune collecte réussie jusqu'ici)",
    );
    expect(text).toContain(
      "- Source muette : rien de nouveau depuis 87 jours (dernière entrée le mardi 1er septembre 2026)",
    );
  });

  it("is tidy: LF, no trailing spaces, single blank lines, one final newline", () => {
    expectTidy(text);
  });

  it("speaks in the singular for one, and groups thousands the French way", () => {
    const one = buildDigest(input({ items: [FRIENDLY[1] as Item] }));
    expect(render(one, "md")).toContain("**1 nouvelle entrée**, apportée par 1 source.");
    const many = { ...one, counts: { ...one.counts, items: 1000, sources: 12 } };
    expect(render(many, "md")).toContain("**1\u202F000 nouvelles entrées**, apportées par 12");
  });

  it("says « sur cette période » for a range of days", () => {
    const model = buildDigest(input({ period: rangePeriod("2026-11-02", "2026-11-15") }));
    const range = render(model, "md");
    expect(range).toContain("# Veille de LA PILE — du 2 au 15 novembre 2026\n");
    expect(range).toContain("Aucune nouvelle entrée sur cette période.");
  });
});

describe("an empty week", () => {
  const model = buildDigest(input({ state: {}, studies: [] }));

  it("gives a short digest saying so", () => {
    const text = render(model, "md");
    expect(text).toBe(
      [
        "# Veille de LA PILE — semaine 48 de 2026",
        "",
        "Période : semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026.",
        "",
        "Aucune nouvelle entrée cette semaine.",
        "",
        "## État des sources",
        "",
        "Aucune source en erreur, ni silencieuse depuis plus de 30 jours.",
        "",
      ].join("\n"),
    );
  });

  it("still names the sources in error, the likely reason for an empty week", () => {
    const text = render(buildDigest(input()), "md");
    expect(text).toContain("Aucune nouvelle entrée cette semaine.");
    expect(text).toContain("Service en panne : HTTP 503");
    expect(text).not.toContain("Pour vos études");
    const html = render(buildDigest(input()), "html");
    expect(html).toContain("<p>Aucune nouvelle entrée cette semaine.</p>");
    expectTidy(html);
  });
});

// ------------------------------------------------------------------ hostile feeds

const HOSTILE_TITLES = [
  "[x](javascript:alert(1))",
  "![img](http://evil/x.png)",
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(1)">',
  "# heading",
  "| table | x |\n|---|---|",
  "`code` and ```fence```",
  "http://evil.example/path and https://evil.example",
  "www.evil.example",
  "mail me: evil@evil.example",
  "<http://evil.example>",
  "[ref]: http://evil.example",
  "Line one\n# Line two\n\n- item\n> quote\n1. first\n---\n===",
  "**bold** _em_ ~~strike~~ $x$",
  "&lt;script&gt; &amp; &#x3C;",
  "\\[not a link\\](http://x)",
  "a\u202Egnp.exe", // right-to-left override
];

/** Unescapes Markdown backslash escapes: what a CommonMark reader shows as text. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

/** The characters escapeMarkdown must always escape. */
const ALWAYS = "\\`*_[]()<>!|&~$@";

/** True when every character of `set` in `text` is preceded by an escaping backslash. */
function allEscaped(text: string, set: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const character = text.charAt(i);
    if (character === "\\") {
      i++; // the escaped character
      continue;
    }
    if (set.includes(character)) return false;
  }
  return true;
}

describe("escaping Markdown", () => {
  it.each([
    ["[x](javascript:alert(1))", "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"],
    ["![img](http://evil/x.png)", "\\!\\[img\\]\\(http\\://evil/x\\.png\\)"],
    ["<script>alert(1)</script>", "\\<script\\>alert\\(1\\)\\</script\\>"],
    ['<img src=x onerror="alert(1)">', '\\<img src=x onerror="alert\\(1\\)"\\>'],
    ["# heading", "\\# heading"],
    ["| a | b |", "\\| a \\| b \\|"],
    ["`x`", "\\`x\\`"],
    ["http://evil.example", "http\\://evil\\.example"],
    ["www.evil.example", "www\\.evil\\.example"],
    ["evil@evil.example", "evil\\@evil\\.example"],
    ["a\nb\r\nc\u2028d", "a b c d"],
    ["- item", "\\- item"],
    ["+ item", "\\+ item"],
    ["1. first", "1\\. first"],
    ["2026) bilan", "2026\\) bilan"],
    ["> quote", "\\> quote"],
    ["===", "\\==="],
    ["---", "\\---"],
    ["&amp;", "\\&amp;"],
    ["~~x~~ $y$", "\\~\\~x\\~\\~ \\$y\\$"],
  ])("%j → %j", (hostile, escaped) => {
    expect(escapeMarkdown(hostile)).toBe(escaped);
  });

  it("leaves ordinary French prose readable", () => {
    expect(escapeMarkdown("Île-de-France : l'éco-organisme 2026 agréé. Enfin.")).toBe(
      "Île-de-France : l'éco-organisme 2026 agréé. Enfin.",
    );
  });

  it("for any text: one line, every metacharacter escaped, nothing lost", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
        const escaped = escapeMarkdown(text);
        expect(escaped).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
        expect(allEscaped(escaped, ALWAYS)).toBe(true);
        // Block starters at the start, schemes and domains anywhere.
        expect(escaped).not.toMatch(/^[#+\-=]|^\d+\.|[:.](?=\S)(?<!\\[:.])/);
        // Undoing the escapes gives the text back, on one line, controls aside.
        const visible = text
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the same set as the code.
          .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "")
          .replace(/[\u202A-\u202E\u2066-\u2069]/g, "")
          .replace(/[\t\n\r\u0085\u2028\u2029]+/g, " ")
          .replace(/ {2,}/g, " ")
          .trim();
        expect(unescapeMarkdown(escaped)).toBe(visible);
      }),
      { numRuns: 1000 },
    );
  });

  it("encodes link addresses so that they cannot end the link early", () => {
    expect(markdownUrl("https://fr.wikipedia.org/wiki/Loi_(France)")).toBe(
      "https://fr.wikipedia.org/wiki/Loi_%28France%29",
    );
    expect(markdownUrl("https://example.org/a>b<c d")).toBe("https://example.org/a%3Eb%3Cc%20d");
    expect(markdownUrl("https://example.org/a\\b")).toBe("https://example.org/a/b");
    expect(markdownUrl("https://example.org/?q=a\\b")).toBe("https://example.org/?q=a%5Cb");
    for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "x", ""])
      expect(markdownUrl(bad)).toBeNull();
  });
});

describe("escaping HTML", () => {
  it("escapes text and attributes", () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`)).toBe(
      "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co",
    );
    expect(htmlUrl("https://example.org/?a=1&b=2#x'y")).toBe(
      "https://example.org/?a=1&amp;b=2#x&#39;y",
    );
    expect(htmlUrl("javascript:alert(1)")).toBeNull();
    expect(htmlUrl(" data:text/html,<script>")).toBeNull();
  });
});

describe("hostile feeds through the whole digest", () => {
  const hostile = HOSTILE_TITLES.map((title, index) =>
    item({
      id: `h${index}`,
      title,
      summary: title,
      link: index % 2 ? "javascript:alert(1)" : `https://example.org/${index}?q=(x)`,
      sources: ["evil"],
      tags: index % 3 ? ["rep-textiles"] : [],
    }),
  );
  const model = buildDigest(
    input({
      items: hostile,
      sources: [{ id: "evil", title: "<b>Evil</b> [src](http://evil)" }],
      state: { evil: { consecutiveFailures: 1, lastErrorReason: "<script>x</script> [a](b)" } },
      studies: [{ id: "s", title: "# Étude *piégée*", veille: { topics: ["rep-textiles"] } }],
    }),
  );

  it("Markdown: no link, image, HTML, heading or list comes from a feed", () => {
    const text = render(model, "md");
    expectTidy(text);
    // The only links are the template's, to the checked addresses.
    const links = [...text.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((match) => match[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/^https:\/\/example\.org\/\d+\?q=%28x%29$/);
    expect(text).not.toMatch(/(?<!\\)<(?!\/?[a-z]+>)/); // no raw "<" at all, in fact
    expect(text).not.toMatch(/(?<!\\)<[a-z]/i);
    expect(text).not.toMatch(/javascript(?!\\:)/i);
    expect(text).not.toMatch(/(?<!\\)!\[/);
    // Every line is the template's: headings, list items, their continuation, prose.
    for (const line of text.split("\n")) {
      if (line === "") continue;
      expect(line).toMatch(
        /^(# Veille de LA PILE|## |### |- | {2}\S|Période : |\*\*\d|\d+ sources? |Rien |\*\*En erreur\*\*|\*\*Silencieuses\*\*|Aucune )/,
      );
      expect(line).not.toMatch(/^ {2}[#>+=\-|]|^ {2}\d+\./);
    }
    // Each hostile title is there, escaped, on one line.
    for (const title of HOSTILE_TITLES) expect(text).toContain(escapeMarkdown(title));
    expect(text).toContain("\\# Étude \\*piégée\\*");
    expect(text).toContain("\\<script\\>x\\</script\\> \\[a\\]\\(b\\)");
  });

  it("HTML: text escaped, links only http(s) with rel, no script", () => {
    const html = render(model, "html");
    expectTidy(html);
    expect(html).not.toMatch(/<script|<img|<b>|href="(?!https:)/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("&lt;b&gt;Evil&lt;/b&gt; [src](http://evil)");
    const anchors = [...html.matchAll(/<a\b[^>]*>/g)].map((match) => match[0]);
    expect(anchors.length).toBeGreaterThan(0);
    for (const anchor of anchors) {
      expect(anchor).toMatch(
        /^<a href="https:\/\/example\.org\/\d+\?q=\(x\)" rel="noopener noreferrer">$/,
      );
    }
    // The elements are the template's only.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z0-9!]+)/g)].map((match) => match[1]));
    expect([...tags].sort()).toEqual(
      [
        "!DOCTYPE",
        "a",
        "body",
        "br",
        "div",
        "h1",
        "h2",
        "h3",
        "head",
        "html",
        "li",
        "meta",
        "p",
        "span",
        "strong",
        "style",
        "title",
        "ul",
      ].sort(),
    );
  });

  it("even a template with triple braces gets escaped values", () => {
    const text = renderDigest(model, "{{{sections.0.items.0.title}}}", "html");
    expect(text).not.toMatch(/<(?!\/?[a-z]+>)/);
    expect(text).toMatch(/&lt;|&#39;|&quot;|&amp;|^[^<>&"']*$/);
    const md = renderDigest(model, "{{{studies.matched.0.title}}}", "md");
    expect(md).toBe("\\# Étude \\*piégée\\*\n");
  });
});

describe("the HTML page", () => {
  const html = render(buildDigest(input({ items: FRIENDLY })), "html");

  it("is one self-contained French page", () => {
    expect(html.startsWith("<!DOCTYPE html>\n")).toBe(true);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain("<title>Veille de LA PILE — semaine 48 de 2026</title>");
    expect(html).toContain("<style>");
    expect(html).toMatch(/max-width: ?700px/);
    // No script, no remote asset: no src, no stylesheet link, no url() or @import.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(|@import/i);
    const withoutAnchors = html.replace(/<a href="[^"]*"/g, "");
    expect(withoutAnchors).not.toMatch(/https?:/);
    expect(html.endsWith("</html>\n")).toBe(true);
  });

  it("has the same sections as the Markdown", () => {
    expect([...html.matchAll(/<h2>([^<]*)/g)].map((match) => match[1]?.trim())).toEqual([
      "Textiles d&#39;habillement, linge de maison et chaussures (TLC)",
      "Territoires zéro chômeur de longue durée",
      "Autres",
      "Pour vos études",
      "État des sources",
    ]);
    expect(html).toContain(
      '<li><a href="https://example.org/a" rel="noopener noreferrer">La filière textile se structure</a><br>',
    );
    expect(html).toContain('<span class="summary">Refashion publie son bilan annuel.</span></li>');
  });
});

describe("templates", () => {
  it("an unknown field is a French error naming it and where it is", () => {
    const model = buildDigest(input());
    const attempt = () => renderDigest(model, "# {{title}}\n\n{{periode.label}}\n", "md");
    expect(attempt).toThrow(DigestTemplateError);
    expect(attempt).toThrow(
      "Le modèle de la synthèse de veille utilise « periode.label » (ligne 3, colonne 3), qui n'est ni un champ de la synthèse ni une fonction connue (nombre, plural, join, gt, et if, unless, each, with de Handlebars) : corrigez ce nom ou retirez-le du modèle.",
    );
    expect(() => renderDigest(model, "{{#each sections}}{{titre}}{{/each}}", "html")).not.toThrow(); // no section: never looked up
    const withItems = buildDigest(input({ items: FRIENDLY }));
    expect(() => renderDigest(withItems, "{{#each sections}}{{titre}}{{/each}}", "md")).toThrow(
      /utilise « titre » \(ligne 1, colonne 21\)/,
    );
  });

  it("a template that does not parse is a French error", () => {
    expect(() => renderDigest(buildDigest(input()), "{{#if empty}}\nrien\n", "md")).toThrow(
      /mal écrit à la ligne \d+/,
    );
    expect(() => renderDigest(buildDigest(input()), "{{> partiel}}", "md")).toThrow(
      /modèle partiel/,
    );
    expect(() => renderDigest(buildDigest(input()), "{{majuscules title}}", "md")).toThrow(
      /utilise « majuscules » \(ligne 1, colonne 3\), qui n'est ni un champ de la synthèse ni une fonction connue/,
    );
  });

  it("a workspace's own template is used as given, with the same helpers", () => {
    const model = buildDigest(input({ items: FRIENDLY }));
    expect(
      renderDigest(
        model,
        "{{nombre counts.items}} {{plural counts.items 'entrée' 'entrées'}}  \r\n\r\n\r\n{{join sections.0.items.0.sources ' + '}}",
        "md",
      ),
    ).toBe("3 entrées\n\nRefashion + TZCLD\n");
    expect(renderDigest(model, "\uFEFF{{title}}", "md")).toBe(
      "Veille de LA PILE — semaine 48 de 2026\n",
    );
  });
});

describe("byte-identical regeneration", () => {
  it("rendering twice gives the same bytes", () => {
    const model = buildDigest(input({ items: FRIENDLY }));
    for (const format of ["md", "html"] as const)
      expect(render(model, format)).toBe(render(structuredClone(model), format));
  });

  it("shuffling the store's items gives the same bytes", () => {
    const pool = [
      ...FRIENDLY,
      ...HOSTILE_TITLES.map((title, index) =>
        item({ id: `h${index}`, title, tags: index % 2 ? ["tzcld"] : [] }),
      ),
      item({ id: "late", published: "2026-11-20T10:00:00.000Z", firstSeen: NOW.toISOString() }),
      item({ id: "out", published: "2026-12-20T10:00:00.000Z" }),
      item({ id: "tie-b", published: "2026-11-25T10:00:00.000Z", tags: ["tzcld"] }),
      item({ id: "tie-a", published: "2026-11-25T10:00:00.000Z", tags: ["tzcld"] }),
    ];
    const expected = {
      md: render(buildDigest(input({ items: pool })), "md"),
      html: render(buildDigest(input({ items: pool })), "html"),
    };
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: pool.length }), (shuffled) => {
        const model = buildDigest(input({ items: shuffled }));
        expect(render(model, "md")).toBe(expected.md);
        expect(render(model, "html")).toBe(expected.html);
      }),
      { numRuns: 50 },
    );
  });
});
