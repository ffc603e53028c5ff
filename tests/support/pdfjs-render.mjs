// Renders every page of a PDF with pdf.js (the viewer in Firefox), through
// its Node canvas (@napi-rs/canvas, installed with pdfjs-dist), to
// PREFIX-N.png at DPI.
// Usage: node pdfjs-render.mjs PDFJS_DIR FILE.pdf PREFIX DPI
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [pdfjsDir, file, prefix, dpi] = process.argv.slice(2);
const { getDocument } = await import(
  pathToFileURL(join(pdfjsDir, "legacy/build/pdf.mjs")).href
);
const doc = await getDocument({
  data: new Uint8Array(readFileSync(file)),
  verbosity: 0,
}).promise;
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
