// Opens executed notebooks in JupyterLab (served on localhost by serve_and_check.py) and their
// nbconvert HTML export in headless Debian Chromium, and checks that every figure output is an
// image that actually rendered (loaded, natural width > 0). Saves a screenshot of each notebook.
//
// usage: node check_figures.mjs LAB_URL TOKEN COURSE_DIR
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { figureOutputs } from "./notebook_figures.mjs";

const [labUrl, token, courseDir] = process.argv.slice(2);
const shots = path.join(courseDir, "screenshots");
fs.mkdirSync(shots, { recursive: true });

const notebooks = fs.readdirSync(courseDir).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).sort();
if (notebooks.length === 0) {
  console.error(`no executed notebooks in ${courseDir}: run the notebooks first (make test-notebooks)`);
  process.exit(1);
}

/** Waits until `selector` matches at least `n` images, then reports those that did not render. */
async function checkImages(page, selector, n, where) {
  await page.waitForFunction(
    ([sel, n]) => {
      const imgs = [...document.querySelectorAll(sel)];
      return imgs.length >= n && imgs.every((i) => i.complete);
    },
    [selector, n],
    { timeout: 90_000 },
  ).catch(() => {});
  const imgs = await page.$$eval(selector, (els) => els.map((i) => ({ w: i.naturalWidth, h: i.naturalHeight, ok: i.complete })));
  const broken = imgs.filter((i) => !i.ok || i.w === 0);
  const problems = [];
  if (imgs.length !== n) problems.push(`${where}: ${imgs.length} images in the page, expected ${n} figures`);
  if (broken.length) problems.push(`${where}: ${broken.length} images did not render (natural width 0)`);
  return { count: imgs.length, problems };
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const failures = [];
let passed = 0;
try {
  for (const file of notebooks) {
    const n = figureOutputs(path.join(courseDir, file));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // 1. JupyterLab, notebook not trusted (the server keeps no signatures).
    // A fresh workspace per notebook (?reset), so that only this notebook is open.
    const workspace = file.replace(/\W/g, "-");
    await page.goto(`${labUrl}/lab/workspaces/${workspace}/tree/${file}?reset&token=${token}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 90_000 });
    const inLab = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img";
    const lab = await checkImages(page, inLab, n, `${file} in JupyterLab`);
    const first = await page.$(inLab);
    if (first) await first.scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(shots, file.replace(".ipynb", ".png")) });
    // 2. The nbconvert HTML export.
    const html = path.resolve(courseDir, "html", file.replace(".ipynb", ".html"));
    let exp = { count: 0, problems: [] };
    if (fs.existsSync(html)) {
      await page.goto(`file://${html}`);
      exp = await checkImages(page, ".jp-OutputArea-output img", n, `${file} as HTML`);
    } else {
      exp.problems.push(`${file}: no HTML export at ${html}`);
    }
    await page.close();
    const problems = [...lab.problems, ...exp.problems];
    if (problems.length) {
      failures.push(...problems);
      console.log(`✗ ${file}: ${problems.join("; ")}`);
    } else {
      passed++;
      console.log(`✓ ${file}: ${n} figures rendered in JupyterLab (${lab.count} images) and in the HTML export (${exp.count})`);
    }
  }
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
