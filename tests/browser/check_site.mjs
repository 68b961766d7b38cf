// The course website in headless Debian Chromium with the network off (check_site.py serves it on
// localhost). Every page must load with nothing asked of another host and nothing missing; every
// formula must be typeset by the site's own MathJax (no raw `$` or `\(` left, no TeX error); every
// figure must be an image that rendered; the Rust code must be highlighted; searching
// "back-propagation" must list notebook 06; next/previous must walk the whole course in order;
// every link to the site itself (pages, downloads) must answer.
// Screenshots go to SHOTS_DIR.
//
// usage: node check_site.mjs SITE_URL SITE_SOURCES SHOTS_DIR
//   SITE_SOURCES: the staged sources (build/site/src), whose notebooks say how many figures to expect
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { figureOutputs } from "./notebook_figures.mjs";

const [siteUrl, sources, shots] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });
const origin = new URL(siteUrl).origin;

const notebooks = fs.readdirSync(path.join(sources, "notebooks")).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).sort();
if (notebooks.length === 0) {
  console.error(`no notebooks in ${sources}/notebooks: build the site first (make site)`);
  process.exit(1);
}
const pages = ["index.html", ...notebooks.map((f) => `notebooks/${f.replace(/\.ipynb$/, ".html")}`)];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  // No host but localhost resolves: the site must need nothing from the network.
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const failures = new Set();
let current = "";
const fail = (msg, where = current) => failures.add(`${where}: ${msg}`);
const pageOf = (request) => { try { return new URL(request.frame().url()).pathname.slice(1) || current; } catch { return current; } };
// Every request that leaves localhost is refused and reported, every failed response reported.
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
  fail(`asked the network for ${url}`, pageOf(route.request()));
  return route.abort();
});
context.on("response", (r) => { if (r.status() >= 400) fail(`${r.status()} for ${r.url()}`, pageOf(r.request())); });

/** Loads a page and waits for MathJax to finish typesetting it. */
async function open(page, rel) {
  current = rel;
  const resp = await page.goto(`${siteUrl}/${rel}`, { waitUntil: "load" });
  if (!resp || !resp.ok()) fail(`did not load (${resp ? resp.status() : "no response"})`);
  // Sphinx loads MathJax only on pages with formulas.
  if ((await page.locator(".math").count()) === 0) return;
  await page.waitForFunction(() => window.MathJax?.startup?.promise, null, { timeout: 30_000 })
    .then(() => page.evaluate(() => window.MathJax.startup.promise))
    .catch(() => fail("MathJax did not start"));
}

const page = await context.newPage();
const links = new Set(); // every link to the site itself: pages, downloads, the student edition
const withExercises = new Set(); // pages with an element id="exercises"
const exerciseLinks = new Set(); // the landing page's links to a page's exercises
page.on("pageerror", (e) => fail(`script error: ${e.message}`));
try {
  // 1. Every page: loads, math typeset, figures rendered, code highlighted.
  for (const rel of pages) {
    await open(page, rel);
    const r = await page.evaluate(() => {
      const main = document.querySelector("main") ?? document.body;
      // Text a reader sees outside code and outputs: where a formula left untypeset would show.
      const clone = main.cloneNode(true);
      clone.querySelectorAll("pre, code, .highlight, mjx-container, script, style").forEach((e) => e.remove());
      const prose = clone.textContent;
      const raw = [...prose.matchAll(/\$|\\\(|\\\)|\\\[|\\begin\{/g)].map((m) => prose.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, " "));
      const imgs = [...main.querySelectorAll("img")].map((i) => ({ src: i.getAttribute("src"), w: i.naturalWidth, ok: i.complete }));
      return {
        title: document.title,
        raw,
        formulas: document.querySelectorAll(".math").length,
        typeset: document.querySelectorAll(".math mjx-container, mjx-container.MathJax").length,
        texErrors: [...document.querySelectorAll("mjx-merror")].map((e) => e.getAttribute("data-mjx-error") ?? e.textContent),
        figures: main.querySelectorAll(".cell_output img").length,
        imgs,
        rustBlocks: main.querySelectorAll(".cell_input .highlight-rust").length,
        keywords: main.querySelectorAll(".cell_input .highlight .k, .cell_input .highlight .kd").length,
        sidebarLinks: document.querySelectorAll(".bd-sidebar-primary nav.bd-links a.reference.internal").length,
        hasExercises: !!document.getElementById("exercises"),
        sourceDownload: document.querySelector(".btn-download-source-button")?.getAttribute("href") ?? "",
        links: [...document.querySelectorAll("a[href]")].map((a) => a.href).filter((h) => h.startsWith(location.origin)),
      };
    });
    if (r.raw.length) fail(`${r.raw.length} raw formula marks in the text, e.g. "${r.raw[0]}"`);
    if (r.typeset < r.formulas) fail(`${r.formulas - r.typeset} of ${r.formulas} formulas not typeset`);
    if (r.texErrors.length) fail(`MathJax errors: ${r.texErrors.slice(0, 3).join("; ")}`);
    for (const i of r.imgs) if (!i.ok || i.w === 0) fail(`image ${i.src} did not render (natural width 0)`);
    for (const link of r.links) links.add(link.split("#")[0]);
    if (r.hasExercises) withExercises.add(rel);
    if (rel === "index.html") for (const link of r.links) if (link.endsWith("#exercises")) exerciseLinks.add(link);
    if (r.sidebarLinks < notebooks.length) fail(`the sidebar links ${r.sidebarLinks} notebooks, expected ${notebooks.length}`);
    if (rel.startsWith("notebooks/")) {
      const file = path.basename(rel, ".html") + ".ipynb";
      const n = figureOutputs(path.join(sources, "notebooks", file));
      if (r.figures !== n) fail(`${r.figures} figures on the page, the notebook has ${n}`);
      if (!r.sourceDownload.endsWith(`/${file}`)) fail(`the download button offers "${r.sourceDownload}", not ${file}`);
      if (r.rustBlocks === 0 || r.keywords === 0) fail(`Rust code not highlighted (${r.rustBlocks} Rust blocks, ${r.keywords} keywords marked)`);
      await page.screenshot({ path: path.join(shots, path.basename(rel, ".html") + ".png") });
      // A second screenshot at the page's first figure, if it has one.
      if (n > 0) {
        await page.locator(".cell_output img").first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(shots, path.basename(rel, ".html") + "-figure.png") });
      }
    } else {
      await page.screenshot({ path: path.join(shots, "index.png"), fullPage: true });
    }
    console.log(`${rel}: "${r.title}", ${r.typeset}/${r.formulas} formulas typeset, ${r.figures} figures, ${r.rustBlocks} Rust cells`);
  }

  // 2. Every link to the site itself answers: pages, images, the notebooks and the student edition to download.
  current = "links";
  for (const link of [...links].sort()) {
    const resp = await context.request.get(link);
    // A folder is not a page (the test server would list it; a web host would not).
    if (!resp.ok() || link.endsWith("/")) fail(`${link} answers ${resp.status()}${link.endsWith("/") ? " (a folder, not a file)" : ""}`);
  }
  console.log(`${links.size} links to the site itself answer`);
  // The contents' "N exercises" links land on the page's Exercises heading.
  if (exerciseLinks.size === 0) fail("the landing page links to no exercises");
  for (const link of exerciseLinks) {
    const target = new URL(link).pathname.slice(new URL(siteUrl).pathname.length).replace(/^\//, "");
    if (!withExercises.has(target)) fail(`${link}: the page has no Exercises heading (id "exercises")`);
  }
  console.log(`${exerciseLinks.size} links to exercises land on an Exercises heading`);

  // 3. Search: "back-propagation" must list notebook 06.
  current = "search";
  await open(page, "search.html?q=back-propagation");
  await page.waitForSelector("#search-results ul.search li a, #search-results p", { timeout: 30_000 }).catch(() => {});
  await page.waitForFunction(() => !document.querySelector("#search-progress")?.textContent.includes("Preparing"), null, { timeout: 30_000 }).catch(() => {});
  const hits = await page.$$eval("#search-results ul.search li a", (as) => [...new Set(as.map((a) => a.getAttribute("href")))]);
  // The excerpts quote formulas: typeset, as on the pages.
  await page.waitForFunction(() => [...document.querySelectorAll("#search-results p.context")].every((p) => !/\\\(|\\\[/.test(p.textContent) || p.querySelector("mjx-container")), null, { timeout: 15_000 }).catch(() => {});
  const rawInResults = await page.evaluate(() => {
    const clone = document.getElementById("search-results").cloneNode(true);
    clone.querySelectorAll("mjx-container").forEach((e) => e.remove());
    return [...clone.textContent.matchAll(/\$|\\\(|\\\[/g)].map((m) => clone.textContent.slice(Math.max(0, m.index - 30), m.index + 30));
  });
  if (rawInResults.length) fail(`${rawInResults.length} raw formula marks in the search results, e.g. "${rawInResults[0]}"`);
  if (!hits.some((h) => h.includes("06_"))) fail(`searching "back-propagation" did not list notebook 06 (found: ${hits.join(", ") || "nothing"})`);
  await page.screenshot({ path: path.join(shots, "search-back-propagation.png") });
  console.log(`search "back-propagation": ${hits.length} pages, e.g. ${hits.slice(0, 4).join(", ")}`);

  // 4. Next from the landing page walks the whole course in order; previous walks it back.
  for (const [dir, sel, start, order] of [["next", "a.right-next", pages[0], pages], ["previous", "a.left-prev", pages[pages.length - 1], [...pages].reverse()]]) {
    current = `walking with "${dir}"`;
    await open(page, start);
    const walked = [start];
    while ((await page.locator(sel).count()) > 0 && walked.length <= pages.length) {
      await Promise.all([page.waitForNavigation(), page.locator(sel).first().click()]);
      walked.push(new URL(page.url()).pathname.replace(new URL(siteUrl).pathname, "").replace(/^\//, "") || "index.html");
    }
    if (JSON.stringify(walked) !== JSON.stringify(order)) fail(`went ${walked.join(" → ")}, expected ${order.join(" → ")}`);
    else console.log(`"${dir}" walks all ${walked.length} pages in order`);
  }
} finally {
  await browser.close();
}

if (failures.size) {
  console.error(`\nFAILED: ${failures.size} problems on the website\n  ` + [...failures].join("\n  "));
  process.exit(1);
}
console.log(`\nthe website passed offline: ${pages.length} pages, search, next/previous; screenshots in ${shots}`);
