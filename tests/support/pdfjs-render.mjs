// Renders every page of a PDF with pdf.js (the viewer in Firefox), through
// its Node canvas (@napi-rs/canvas, installed with pdfjs-dist), to
// PREFIX-N.png at DPI.
// Usage: node pdfjs-render.mjs PDFJS_DIR FILE.pdf PREFIX DPI
import { writeFileSync } from "node:fs";
import { open } from "./pdfjs-open.mjs";

const [pdfjsDir, file, prefix, dpi] = process.argv.slice(2);
const { doc } = await open(pdfjsDir, file);
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const viewport = page.getViewport({ scale: Number(dpi) / 72 });
  const { canvas, context } = doc.canvasFactory.create(
    viewport.width,
    viewport.height,
  );
  await page.render({ canvasContext: context, viewport }).promise;
  writeFileSync(`${prefix}-${i}.png`, canvas.toBuffer("image/png"));
}
