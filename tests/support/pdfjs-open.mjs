// Opens a PDF with the pdf.js of a pdfjs-dist directory: shared by the
// other pdfjs-*.mjs helpers. Returns the pdf.js module and the document.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

export async function open(pdfjsDir, file, options = {}) {
  const pdfjs = await import(
    pathToFileURL(join(pdfjsDir, "legacy/build/pdf.mjs")).href
  );
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(readFileSync(file)),
    verbosity: 0,
    ...options,
  }).promise;
  return { pdfjs, doc };
}
