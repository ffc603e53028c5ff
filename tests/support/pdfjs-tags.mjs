// Reads a PDF's tags as pdf.js does for Firefox's accessibility tree: per
// page, its structure tree (getStructTree) with the text of each piece of
// marked content it points at (getTextContent with marked content), and
// the page's text in drawing order, split into what is tagged content and
// what is marked as an artifact; and the outline. Prints JSON:
//   { outline: [{ title, level }],
//     pages: [{ tree: NODE, stream: "...", artifacts: ["..."], untagged: ["..."] }] }
// NODE = { role, alt?, lang?, text?, children: [NODE] }; a content leaf has
// role "#content" and its text, an annotation leaf role "#annotation".
// Usage: node pdfjs-tags.mjs PDFJS_DIR FILE.pdf
import { open } from "./pdfjs-open.mjs";

const [pdfjsDir, file] = process.argv.slice(2);
const { doc } = await open(pdfjsDir, file);
const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const content = await page.getTextContent({ includeMarkedContent: true });
  // Marked-content id → its text; the stream's text outside artifacts.
  const byId = new Map();
  const stack = [];
  let stream = "";
  const artifacts = [];
  const untagged = [];
  for (const it of content.items) {
    if (it.type === "beginMarkedContentProps" || it.type === "beginMarkedContent") {
      stack.push({ tag: it.tag, id: it.id ?? null, text: "" });
      continue;
    }
    if (it.type === "endMarkedContent") {
      const mc = stack.pop();
      if (mc && mc.tag === "Artifact") artifacts.push(mc.text);
      continue;
    }
    if (typeof it.str !== "string") continue;
    const inArtifact = stack.some((m) => m.tag === "Artifact");
    const owner = [...stack].reverse().find((m) => m.id !== null);
    if (inArtifact) {
      stack.findLast((m) => m.tag === "Artifact").text += it.str;
    } else if (owner) {
      byId.set(owner.id, (byId.get(owner.id) ?? "") + it.str);
      stream += it.str;
    } else if (it.str.trim() !== "") {
      untagged.push(it.str);
      stream += it.str;
    }
  }
  const walk = (node) => {
    if (node.type === "content") {
      return { role: "#content", text: byId.get(node.id) ?? "", children: [] };
    }
    if (node.type === "annotation" || node.type === "object") {
      return { role: "#annotation", children: [] };
    }
    const out = { role: node.role, children: (node.children ?? []).map(walk) };
    if (node.alt !== undefined) out.alt = node.alt;
    if (node.lang !== undefined) out.lang = node.lang;
    return out;
  };
  const tree = await page.getStructTree();
  pages.push({ tree: tree ? walk(tree) : null, stream, artifacts, untagged });
}
const outline = [];
const flatten = (items, level) => {
  for (const it of items ?? []) {
    outline.push({ title: it.title, level });
    flatten(it.items, level + 1);
  }
};
flatten(await doc.getOutline(), 1);
process.stdout.write(JSON.stringify({ outline, pages }));
