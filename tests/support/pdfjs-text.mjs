// Prints the text pdf.js (the viewer in Firefox) extracts from a PDF, one
// page per form feed, items joined as its text layer joins them.
// Usage: node pdfjs-text.mjs PDFJS_DIR FILE.pdf
import { open } from "./pdfjs-open.mjs";

const [pdfjsDir, file] = process.argv.slice(2);
const { doc } = await open(pdfjsDir, file);
const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const content = await (await doc.getPage(i)).getTextContent();
  pages.push(
    content.items.map((it) => it.str + (it.hasEOL ? "\n" : "")).join(""),
  );
}
process.stdout.write(pages.join("\f"));
