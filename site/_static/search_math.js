// Formulas in search results, typeset as on the pages.
//
// Sphinx's search shows, for each page found, an excerpt of about 240 characters of the page's
// text, where formulas are still their TeX between \( \) and \[ \] (MathJax typesets them only in
// the browser). This widens each excerpt to whole formulas and has MathJax typeset it, and takes
// the text from the article alone (Sphinx takes the theme's whole main area, whose buttons' labels
// "light Dark" then open the excerpt).
(() => {
  // searchtools.js declares `Search` with const: a global name, not a property of window.
  if (typeof Search === "undefined" || !document.getElementById("search-results")) return;
  const FORMULA = /\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g;
  const WIDTH = 240;

  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    if (anchor) return htmlToText(htmlString, anchor);
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    const article = doc.querySelector("article.bd-article");
    if (!article) return htmlToText(htmlString, anchor);
    article.querySelectorAll(".headerlink, script, style").forEach((e) => e.remove());
    return article.textContent;
  };

  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const text = Search.htmlToText(htmlText, anchor);
    if (text === "") return null;
    // Where Sphinx starts: 120 characters before the last keyword found.
    const lower = text.toLowerCase();
    const found = [...keywords].map((k) => lower.indexOf(k.toLowerCase())).filter((i) => i > -1);
    let start = Math.max((found.length ? found[found.length - 1] : 0) - WIDTH / 2, 0);
    let end = Math.min(start + WIDTH, text.length);
    // Never cut a formula in two: widen the excerpt to the formulas it starts or ends in.
    for (const m of text.matchAll(FORMULA)) {
      const [from, to] = [m.index, m.index + m[0].length];
      if (from < start && start < to) start = from;
      if (from < end && end < to) end = to;
    }
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start > 0 ? "..." : "") + text.slice(start, end).trim() + (end < text.length ? "..." : "");
    // Typeset once the excerpt is in the page (MathJax loads with the search page, deferred).
    setTimeout(() => window.MathJax?.startup?.promise.then(() => MathJax.typesetPromise([summary])), 0);
    return summary;
  };
})();
