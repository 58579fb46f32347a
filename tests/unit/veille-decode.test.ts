import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../src/veille/decode.js";

/** Concatenate byte values and ASCII strings into one buffer. */
function bytes(...parts: (number | string | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "number") out.push(part);
    else if (typeof part === "string") for (const char of part) out.push(char.charCodeAt(0));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

function utf16be(text: string): Uint8Array {
  const le = Buffer.from(text, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1] ?? 0;
    be[i + 1] = le[i] ?? 0;
  }
  return new Uint8Array(be);
}

describe("decodeBytes: byte order marks", () => {
  it("UTF-8 BOM: decoded as UTF-8, BOM removed", () => {
    const result = decodeBytes(bytes(0xef, 0xbb, 0xbf, utf8("Été")));
    expect(result).toEqual({ text: "Été", encoding: "utf-8" });
  });

  it("UTF-8 BOM wins over a declared charset", () => {
    const result = decodeBytes(
      bytes(0xef, 0xbb, 0xbf, utf8("œuvre")),
      "text/xml; charset=iso-8859-1",
    );
    expect(result).toEqual({ text: "œuvre", encoding: "utf-8" });
  });

  it("UTF-16 LE BOM", () => {
    const body = new Uint8Array(Buffer.from("<rss>Déchets €</rss>", "utf16le"));
    expect(decodeBytes(bytes(0xff, 0xfe, body))).toEqual({
      text: "<rss>Déchets €</rss>",
      encoding: "utf-16le",
    });
  });

  it("UTF-16 BE BOM", () => {
    expect(decodeBytes(bytes(0xfe, 0xff, utf16be("Œuvre ’")))).toEqual({
      text: "Œuvre ’",
      encoding: "utf-16be",
    });
  });

  it("a U+FEFF after the start is content, not a BOM", () => {
    expect(decodeBytes(utf8("a\uFEFFb")).text).toBe("a\uFEFFb");
  });
});

describe("decodeBytes: UTF-8", () => {
  it("valid UTF-8 beats a wrong HTTP charset and a wrong XML declaration", () => {
    const body = utf8('<?xml version="1.0" encoding="ISO-8859-1"?><t>l’éco-organisme</t>');
    expect(decodeBytes(body, "application/rss+xml; charset=ISO-8859-1")).toEqual({
      text: '<?xml version="1.0" encoding="ISO-8859-1"?><t>l’éco-organisme</t>',
      encoding: "utf-8",
    });
  });

  it("empty input", () => {
    expect(decodeBytes(new Uint8Array())).toEqual({ text: "", encoding: "utf-8" });
  });

  it("any text encoded as UTF-8 comes back unchanged, whatever the declared charset", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }).filter((text) => !text.startsWith("\uFEFF")),
        fc.constantFrom(
          undefined,
          "text/xml",
          "text/xml; charset=iso-8859-15",
          "text/html; charset=koi8-r",
        ),
        (text, contentType) => {
          expect(decodeBytes(utf8(text), contentType)).toEqual({ text, encoding: "utf-8" });
        },
      ),
    );
  });
});

describe("decodeBytes: legacy 8-bit encodings", () => {
  // "L’Œuvre coûte 5 € — cœur" in windows-1252: ’ 0x92, Œ 0x8C, û 0xFB, € 0x80, — 0x97, œ 0x9C.
  const cp1252 = bytes(
    "L",
    0x92,
    0x8c,
    "uvre co",
    0xfb,
    "te 5 ",
    0x80,
    " ",
    0x97,
    " c",
    0x9c,
    "ur",
  );
  const expected = "L’Œuvre coûte 5 € — cœur";

  it.each([
    ["no charset at all", undefined],
    ["HTTP windows-1252", "text/xml; charset=windows-1252"],
    ["HTTP ISO-8859-1 (read as windows-1252, like browsers)", "text/xml; charset=ISO-8859-1"],
    ["HTTP latin1", "text/xml;charset=latin1"],
    ["HTTP us-ascii", "text/xml; charset=us-ascii"],
    ["HTTP quoted label", 'text/xml; charset="iso-8859-1"'],
    ["unknown label", "text/xml; charset=x-garbage-42"],
    ["UTF-8 label on bytes that are not UTF-8", "text/xml; charset=utf-8"],
  ])("bytes 0x80–0x9F keep ’ € Œ œ — : %s", (_, contentType) => {
    expect(decodeBytes(cp1252, contentType)).toEqual({ text: expected, encoding: "windows-1252" });
  });

  it.each([
    ["0x92", 0x92, "’"],
    ["0x80", 0x80, "€"],
    ["0x8C", 0x8c, "Œ"],
    ["0x9C", 0x9c, "œ"],
    ["0x85", 0x85, "…"],
    ["0xE9", 0xe9, "é"],
  ])("windows-1252 byte %s → %s", (_, byte, char) => {
    expect(decodeBytes(bytes("a", byte, "b")).text).toBe(`a${char}b`);
  });

  it("ISO-8859-1 in the XML declaration is read as windows-1252", () => {
    const body = bytes('<?xml version="1.0" encoding="ISO-8859-1"?><t>l', 0x92, "eau</t>");
    expect(decodeBytes(body)).toEqual({
      text: '<?xml version="1.0" encoding="ISO-8859-1"?><t>l’eau</t>',
      encoding: "windows-1252",
    });
  });

  it("the XML declaration's ISO-8859-15 is honoured (€ at 0xA4, not ¤)", () => {
    const body = bytes(
      "<?xml version='1.0' encoding='ISO-8859-15'?>\n<t>",
      0xa4,
      " ",
      0xbd,
      "</t>",
    );
    expect(decodeBytes(body)).toEqual({
      text: "<?xml version='1.0' encoding='ISO-8859-15'?>\n<t>€ œ</t>",
      encoding: "iso-8859-15",
    });
  });

  it("the HTTP charset beats the XML declaration", () => {
    const declares1252 = bytes('<?xml version="1.0" encoding="windows-1252"?><t>', 0xa4, "</t>");
    expect(decodeBytes(declares1252, "text/xml; charset=iso-8859-15").text).toContain("<t>€</t>");
    const declares15 = bytes('<?xml version="1.0" encoding="iso-8859-15"?><t>', 0xa4, "</t>");
    expect(decodeBytes(declares15, "text/xml; charset=windows-1252")).toMatchObject({
      text: expect.stringContaining("<t>¤</t>"),
      encoding: "windows-1252",
    });
  });

  it("an unknown HTTP label gives way to the XML declaration", () => {
    const body = bytes('<?xml version="1.0" encoding="iso-8859-15"?><t>', 0xa4, "</t>");
    expect(decodeBytes(body, "text/xml; charset=nonsense")).toMatchObject({
      text: expect.stringContaining("<t>€</t>"),
      encoding: "iso-8859-15",
    });
  });

  it("a garbage label in the XML declaration falls back to windows-1252", () => {
    const body = bytes('<?xml version="1.0" encoding="klingon"?><t>', 0x80, "</t>");
    expect(decodeBytes(body)).toMatchObject({
      text: expect.stringContaining("<t>€</t>"),
      encoding: "windows-1252",
    });
  });

  it("a UTF-16 declaration read as ASCII is impossible, so ignored", () => {
    const body = bytes('<?xml version="1.0" encoding="UTF-16"?><t>', 0x92, "</t>");
    expect(decodeBytes(body)).toMatchObject({
      text: expect.stringContaining("<t>’</t>"),
      encoding: "windows-1252",
    });
  });

  it("an HTML page's <meta charset> is honoured", () => {
    const body = bytes(
      '<!doctype html><html><head><meta charset="iso-8859-15"><title>',
      0xa4,
      "</title>",
    );
    expect(decodeBytes(body)).toMatchObject({
      text: expect.stringContaining("<title>€</title>"),
      encoding: "iso-8859-15",
    });
  });

  it("an HTML page's http-equiv Content-Type is honoured", () => {
    const body = bytes(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15"><p>',
      0xa4,
    );
    expect(decodeBytes(body).text).toMatch(/<p>€$/);
  });

  it("other encodings iconv-lite knows are used as declared", () => {
    // "Привет" in KOI8-R.
    const body = bytes(0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4);
    expect(decodeBytes(body, "text/plain; charset=KOI8-R")).toEqual({
      text: "Привет",
      encoding: "koi8-r",
    });
  });
});
