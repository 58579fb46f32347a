import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainText, shorten } from "../../src/veille/text.js";

/** What a tag would start with: if the output holds this, markup got through. */
const TAG_START = /<[a-zA-Z/!?]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("plainText: markup", () => {
  it.each([
    [undefined, ""],
    ["", ""],
    ["Bonjour", "Bonjour"],
    ["  Bonjour \n", "Bonjour"],
    ["<p>Un</p><p>Deux</p>", "Un Deux"],
    ["Ligne<br>suivante", "Ligne suivante"],
    ["Ligne<BR />suivante", "Ligne suivante"],
    ["<li>un</li><li>deux</li>", "un deux"],
    ["<h2>Titre</h2>Texte", "Titre Texte"],
    ["l'<em>é</em>té", "l'été"], // inline tags do not split a word
    ["<b>Gras</b> et <i>italique</i>", "Gras et italique"],
    ['<a href="https://example.org/?a=1&amp;b=2">lien</a>', "lien"],
    ['<a title="a > b">lien</a>', "lien"], // ">" inside a quoted attribute
    ["<div><div><p>Très <b><i>imbriqué</i></b></p></div></div>", "Très imbriqué"],
    ["<p>Un\n\n   deux\t trois</p>", "Un deux trois"],
    ["<!DOCTYPE html><html><head><title>T</title></head><body>Corps</body></html>", "T Corps"],
    ["<?xml version='1.0'?>Texte", "Texte"],
    ["a<!-- commentaire -->b", "ab"],
    ["a<!-- <p>caché</p> -->b", "ab"],
    ["a<!-- jamais fermé <p>b</p>", "a"],
    ["<![CDATA[<p>Texte</p>]]>", "Texte"],
    ["<script>alert(1)</script>Texte", "Texte"],
    ["<SCRIPT type='text/javascript'>var a = '<p>';</SCRIPT>Texte", "Texte"],
    ["<style>p { color: red }</style>Texte", "Texte"],
    ["Texte<script>alert(1)", "Texte"], // unclosed script: its code is not text
    ["1 <2 et 3> 2", "1 <2 et 3> 2"], // "<" before a digit is not a tag
    ["a < b > c", "a < b > c"],
    ["<>", "<>"],
    ["e\u0301te\u0301", "\u00E9t\u00E9"], // composed (NFC)
    ["a\u001B[2Jb", "a[2Jb"], // an escape sequence cannot reach the terminal
  ])("%j → %j", (html, expected) => {
    expect(plainText(html)).toBe(expected);
  });
});

describe("plainText: hostile input leaves no markup", () => {
  it.each([
    ["<scr<script>ipt>alert(1)</script>", ""],
    ["<<script>script>alert(1)<</script>/script>", "< /script>"],
    ["<img src=x onerror=alert(1)>", ""],
    ["Texte <img src=x onerror=alert(1)>fin", "Texte fin"],
    ["Texte <img src=x onerror=alert(1)", "Texte"], // unclosed: to the end, as a browser would
    ['Texte <a href="x', "Texte"],
    ["Texte <b", "Texte"],
    ['<a href="javascript:alert(1)">clic</a>', "clic"],
    ["javascript:alert(1)", "javascript:alert(1)"], // it is text, and stays text
    ["<<b>b>", ""], // "<" + "b>" would make a new tag: it goes too
    ["<\u212A>x", "x"], // KELVIN SIGN composes to "K": "<K>" is a tag
    ["&lt;script&gt;alert(1)&lt;/script&gt;", "alert(1)"], // escaped twice: the tags go, the words are inert
  ])("%j → %j", (html, expected) => {
    const text = plainText(html);
    expect(text).toBe(expected);
    expect(text).not.toMatch(TAG_START);
  });
});

describe("plainText: character references", () => {
  it.each([
    ["&eacute;t&eacute;", "été"],
    ["&Eacute;COLE", "ÉCOLE"],
    ["L&rsquo;&eacute;conomie", "L’économie"],
    ["&#233;t&#233;", "été"],
    ["&#x2019; &#X2019; &#x00e9;", "’ ’ é"],
    ["A &amp; B", "A & B"],
    ["AT&T", "AT&T"],
    ["3 &lt; 5 &gt; 2", "3 < 5 > 2"],
    ["&quot;cité&quot; &apos;ici&apos;", "\"cité\" 'ici'"],
    ["Bonjour&nbsp;!", "Bonjour\u00A0!"], // a lone no-break space is kept
    ["&laquo;&nbsp;Oui&nbsp;&raquo;", "«\u00A0Oui\u00A0»"],
    ["a&nbsp;&nbsp;b", "a b"], // a run of spaces is one space
    ["&OElig;uvre, &oelig;uf, &AElig;, &aelig;", "Œuvre, œuf, Æ, æ"],
    ["&Ccedil;a &ccedil;a", "Ça ça"],
    ["&#146; &#128; &#140; &#156;", "’ € Œ œ"], // windows-1252 numbers, as browsers read them
    ["&#0; &#xD800; &#x110000; &#27;", "\uFFFD \uFFFD \uFFFD \uFFFD"],
    ["&#10;a&#9;b&#13;", "a b"],
    ["&foo; &Amp; &AMP;", "&foo; &Amp; &AMP;"], // unknown: left as they are
    ["&eacute sans point-virgule", "&eacute sans point-virgule"],
    ["&amp;eacute;t&amp;eacute;", "été"], // escaped twice
    ["&amp;amp;eacute;", "é"], // three times
    ["&amp;foo;", "&foo;"],
    ["&#38;lt;", "<"],
    ["caf&eacute;&amp;", "café&"],
    ["&lt;p&gt;Texte&lt;/p&gt;", "Texte"], // HTML escaped twice is markup
    ["&amp;lt;p&amp;gt;Texte", "Texte"],
    ["&amp;&lt;x&gt;eacute;", "& eacute;"], // removing the revealed tag must not make "&eacute;"
    ["si a&lt;b alors", "si a< b alors"], // an unclosed "<" before a letter is prose, kept apart
    ["&lt;3", "<3"],
    ["&constructor; &toString; &__proto__;", "&constructor; &toString; &__proto__;"],
  ])("%j → %j", (html, expected) => {
    expect(plainText(html)).toBe(expected);
    expect(plainText(expected)).toBe(expected);
  });

  it("decodes every named reference French text uses", () => {
    const names =
      "amp lt gt quot apos eacute Eacute egrave Egrave ecirc Ecirc euml Euml agrave Agrave acirc Acirc " +
      "auml Auml ccedil Ccedil icirc Icirc iuml Iuml ocirc Ocirc ouml Ouml ugrave Ugrave ucirc Ucirc " +
      "uuml Uuml oelig OElig aelig AElig laquo raquo rsquo lsquo ldquo rdquo hellip ndash mdash euro " +
      "deg copy reg trade middot bull";
    const html = names
      .split(" ")
      .map((name) => `&${name};`)
      .join("|");
    expect(plainText(html)).toBe(
      "&|<|>|\"|'|é|É|è|È|ê|Ê|ë|Ë|à|À|â|Â|ä|Ä|ç|Ç|î|Î|ï|Ï|ô|Ô|ö|Ö|ù|Ù|û|Û|ü|Ü|œ|Œ|æ|Æ|«|»|’|‘|“|”|…|–|—|€|°|©|®|™|·|•",
    );
  });

  it("&nbsp; and &shy; become their characters", () => {
    expect(plainText("a&nbsp;b")).toBe("a\u00A0b");
    expect(plainText("éco&shy;organisme")).toBe("éco\u00ADorganisme");
  });
});

describe("plainText: properties", () => {
  const htmlish = fc
    .array(
      fc.constantFrom(
        "<",
        ">",
        "/",
        "!",
        "?",
        "--",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "script",
        "style",
        "p",
        "b",
        "br",
        "img",
        "a",
        " ",
        "\n",
        "\u00A0",
        "&",
        "amp;",
        "lt;",
        "gt;",
        "#38;",
        "#x26;",
        "#60;",
        "eacute;",
        "nbsp;",
        "shy;",
        ";",
        '"',
        "'",
        "=",
        "é",
        "e",
        "\u0301",
        "\u212A",
        "\u001B",
        "K",
        "x",
        "1",
      ),
      { maxLength: 30 },
    )
    .map((tokens) => tokens.join(""));
  const anything = fc.oneof(htmlish, fc.string(), fc.string({ unit: "binary" }));

  it("is idempotent: plainText(plainText(x)) === plainText(x)", () => {
    fc.assert(
      fc.property(anything, (html) => {
        const once = plainText(html);
        expect(plainText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it("never outputs a tag, nor space at either end", () => {
    fc.assert(
      fc.property(anything, (html) => {
        const text = plainText(html);
        expect(text).not.toMatch(TAG_START);
        expect(text).toBe(text.trim());
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves text without markup or references as it is, whitespace aside", () => {
    const prose = fc
      .array(
        fc.constantFrom("a", "é", "Œ", "’", "«", "»", ",", ".", "-", "1", " ", "  ", "\n", "\t"),
      )
      .map((chars) => chars.join(""));
    fc.assert(
      fc.property(prose, (text) => {
        expect(plainText(text)).toBe(text.replace(/\s+/g, " ").trim());
      }),
    );
  });
});

describe("shorten", () => {
  it.each([
    ["abc", 10, "abc"],
    ["abcdefghij", 10, "abcdefghij"], // exactly max: unchanged
    ["Le chat dort sur le canapé", 15, "Le chat dort…"],
    ["Le chat dort bien", 13, "Le chat dort…"], // cut falls at the end of a word
    ["Bonjour, monde entier", 10, "Bonjour…"], // no ", …"
    ["Anticonstitutionnellement", 10, "Anticonst…"], // one long word: cut inside it
    ["Un anticonstitutionnellement", 12, "Un anticons…"], // the last space is too early
    ["aaaa😀bbbb", 6, "aaaa…"], // never half an emoji
    ["aaaa😀bbbb", 7, "aaaa😀…"],
    ["abc", 3, "abc"],
    ["abcd", 1, "…"],
    ["abcd", 0, ""],
  ])("%j, %i → %j", (text, max, expected) => {
    expect(shorten(text, max)).toBe(expected);
  });

  it("defaults to 300", () => {
    const text = "mot ".repeat(100).trim();
    const short = shorten(text);
    expect(short.length).toBeLessThanOrEqual(300);
    expect(short.length).toBeGreaterThan(290);
    expect(short).toMatch(/ mot…$/);
    expect(shorten("x".repeat(300))).toBe("x".repeat(300));
  });

  it("fits in max, keeps a prefix, and never leaves half a surrogate pair", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.integer({ min: 1, max: 300 }),
        (text, max) => {
          const short = shorten(text, max);
          expect(short.length).toBeLessThanOrEqual(max);
          expect(short).not.toMatch(LONE_SURROGATE);
          if (text.length <= max) {
            expect(short).toBe(text);
          } else {
            expect(short.endsWith("…")).toBe(true);
            expect(text.startsWith(short.slice(0, -1))).toBe(true);
          }
        },
      ),
    );
  });

  it("cuts after a whole word when words are short", () => {
    const words = fc
      .array(fc.stringMatching(/^[a-zé]{1,10}$/), { minLength: 1, maxLength: 60 })
      .map((list) => list.join(" "));
    fc.assert(
      fc.property(words, fc.integer({ min: 30, max: 200 }), (text, max) => {
        const kept = shorten(text, max).replace(/…$/, "");
        if (kept !== text) expect(text.charAt(kept.length)).toBe(" ");
      }),
    );
  });
});
