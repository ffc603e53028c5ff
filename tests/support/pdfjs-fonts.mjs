// Loads every page of a PDF in pdf.js (the viewer in Firefox) as it does
// to draw it, and prints each font it loaded: its name, whether its
// embedded program was found and translated, and any warning pdf.js gave.
// Exits 1 if a font fell back to a substitute or pdf.js warned.
// Usage: node pdfjs-fonts.mjs PDFJS_DIR FILE.pdf
import { open } from "./pdfjs-open.mjs";

const [pdfjsDir, file] = process.argv.slice(2);
const warnings = [];
const log = console.log;
// pdf.js reports problems through console.log ("Warning: …").
console.log = (...args) => {
  const line = args.join(" ");
  if (/^Warning|^Error/.test(line)) warnings.push(line);
  else log(...args);
};
const { pdfjs, doc } = await open(pdfjsDir, file, {
  verbosity: 1,
  fontExtraProperties: true,
  disableFontFace: true,
});
const { OPS } = pdfjs;
const fonts = new Map();
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const ops = await page.getOperatorList();
  ops.fnArray.forEach((fn, k) => {
    if (fn !== OPS.setFont) return;
    const id = ops.argsArray[k][0];
    if (fonts.has(id)) return;
    const font = page.commonObjs.has(id) ? page.commonObjs.get(id) : null;
    fonts.set(id, font);
  });
}
let bad = warnings.length;
for (const [id, f] of fonts) {
  const embedded = f && !f.missingFile && f.data && f.data.length > 0;
  if (!embedded) bad++;
  log(`${id} ${f ? f.name : "?"} embedded=${embedded} type=${f ? f.type : "?"} glyphs-bytes=${f && f.data ? f.data.length : 0}`);
}
const counts = new Map();
for (const w of warnings) counts.set(w, (counts.get(w) || 0) + 1);
for (const [w, n] of counts) log(`${w} (${n}×)`);
process.exit(bad ? 1 : 0);
