// What both browser tests expect of a notebook's page: one image per figure output.
import fs from "node:fs";

/** Number of outputs in the notebook at `file` that are figures (image/png or image/svg+xml). */
export function figureOutputs(file) {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  let n = 0;
  for (const cell of nb.cells) for (const o of cell.outputs ?? []) if (o.data && (o.data["image/png"] || o.data["image/svg+xml"])) n++;
  return n;
}
