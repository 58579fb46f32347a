import { it } from "vitest";
import { parseFeed, rootElement } from "../../src/veille/parse.js";

const J = (o: unknown) => JSON.stringify(o);
const docs: Record<string, string> = {
  jnull: J({ version: "https://jsonfeed.org/version/1.1", items: [null] }),
  j10: J({
    version: "https://jsonfeed.org/version/1",
    title: "J",
    home_page_url: "https://ex.org/",
    items: [
      {
        id: 1,
        url: "https://ex.org/1",
        title: "A",
        content_html: "<p>h</p>",
        content_text: "t",
        date_published: "2025-01-01T00:00:00Z",
        date_modified: "2025-01-02T00:00:00Z",
      },
      {
        id: "b",
        external_url: "https://o.org/x",
        content_text: "txt",
        date_modified: "2025-01-02T00:00:00Z",
      },
      { id: 0, summary: "s", content_html: "<b>h</b>" },
    ],
  }),
  jnot: J({ hello: 1 }),
  jbad: `{"version": `,
  updonly: `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title><link href="http://ex.org/e"/><id>x1</id><updated>3 mars 2025</updated></entry></feed>`,
  sitemap: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url></urlset>`,
  sitemap2: `<?xml version="1.0"?><sitemap><loc>x</loc></sitemap>`,
  xhtml: `<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`,
  text: `hello`,
  empty: ``,
  rss092: `<rss version="0.92"><channel><title>T</title><item><title>A</title><link>http://ex.org/a</link><description>x</description></item><item><description>only desc</description></item></channel></rss>`,
  rdfnoitems: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R</title></channel></rdf:RDF>`,
  feedbadroot: `<feed><title>x</title></feed>`,
  emptyrss: `<rss version="2.0"><channel><title>T</title></channel></rss>`,
  contentenc: `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><item><title>A</title><description>short</description><content:encoded><![CDATA[<p>long</p>]]></content:encoded></item></channel></rss>`,
  bompre: `\uFEFF<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`,
};
it("scratch", async () => {
  for (const [k, v] of Object.entries(docs)) {
    try {
      console.log(k, JSON.stringify(await parseFeed(v)));
    } catch (e) {
      console.log(k, "ERR", (e as Error).name, (e as Error).message);
    }
  }
  console.log(
    rootElement(
      `<?xml version="1.0"?>\n<!-- <html> -->\n<!DOCTYPE rss [<!ENTITY a "b>c">]>\n<?xml-stylesheet href="s"?>\n<rss/>`,
    ),
  );
  console.log(rootElement(`<!DOCTYPE x [<!ENTITY a "]>">]><feed/>`));
  console.log(rootElement(`<!-- a --><!--b--><rdf:RDF/>`), rootElement("no tag"), rootElement(""));
});
