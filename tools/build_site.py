#!/usr/bin/env python3
"""The course website: the executed notebooks as a static site, built by Sphinx with myst-nb.

usage: build_site.py [--notebooks DIR] [--out DIR]

  --notebooks  executed notebooks to publish (default: notebooks/, the committed ones; `make course`
               passes build/course/, the freshly executed ones). Nothing is executed again.
  --out        where the site goes (default: build/site): OUT/html/index.html is the landing page.

What it does: stages the Sphinx sources in OUT/src (site/conf.py and site/index.md, the notebooks,
MathJax from site/node_modules, the student edition for download), writes the contents table from
the notebooks themselves (number from the file name, title from the first heading, exercises from
their nbgrader marks), then runs sphinx-build, which fails on any warning (a broken link, a
formula or heading it could not read).

Why Sphinx + myst-nb (pinned in requirements.txt): the generator behind Jupyter Book 1, it reads
stored notebook outputs without a kernel, and its search, navigation and theme work offline.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402  (the student edition and the exercise marks)
from editions import course_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
MATHJAX = SITE / "node_modules" / "mathjax" / "es5"
# What tex-chtml.js loads from beside itself: TeX extensions on demand, the CommonHTML fonts, the
# menu, and the accessibility extensions its menu offers (with the speech rule engine they load).
# The other bundles (SVG output, MathML input) are not used.
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y", "sre", "adaptors"]


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("the notebook has no title (a first-level `# heading` in a markdown cell)")


def has_exercises_heading(nb) -> bool:
    return any(cell.cell_type == "markdown" and any(l.strip() == "## Exercises" for l in cell.source.splitlines())
               for cell in nb.cells)


def unexecuted_cells(nb) -> int:
    """Code cells without an execution count: the notebook was not executed (or not to the end)."""
    return sum(1 for cell in nb.cells if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None)


def contents_table(notebooks: list[Path], student: Path, zip_size_mb: float) -> str:
    """The landing page's contents: one row per notebook, the student edition's downloads, the toctree."""
    lectures = ["| | Lecture | Exercises | Student edition |", "|---|---|---|---|"]
    lecture_pages, reference_pages, reference = [], [], []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        number, title = path.stem[:2], title_of(nb)
        link = f"[{title}](notebooks/{path.name})"
        count = len(editions.exercises(nb))
        if count:
            if not has_exercises_heading(nb):
                raise ValueError(f"{path.name} has {count} exercises but no `## Exercises` heading to link to")
            exercises = f"[{count} exercises](notebooks/{path.name}#exercises)"
            download = f"{{download}}`notebook <downloads/student/{path.name}>`" if (student / path.name).exists() else "—"
            lectures.append(f"| {number} | {link} | {exercises} | {download} |")
            lecture_pages.append(f"{number} {title} <notebooks/{path.stem}>")
        else:
            reference.append(f"- {link}")
            reference_pages.append(f"notebooks/{path.stem}")

    def toctree(caption: str, entries: list[str]) -> list[str]:
        return ["```{toctree}", ":hidden:", f":caption: {caption}", ":maxdepth: 2", "", *entries, "```", ""] if entries else []

    return "\n".join([
        *lectures, "",
        *(["**Reference.**", "", *reference, ""] if reference else []),
        f"**The student edition of the whole course:** {{download}}`student.zip <downloads/student.zip>` ({zip_size_mb:.1f} MB: "
        "every notebook with its solutions replaced by `todo!()`, and the crate's sources beside them, "
        "which the notebooks compile).", "",
        *toctree("Lectures", lecture_pages),
        *toctree("Reference", reference_pages),
    ])


def stage(notebooks: list[Path], src: Path, work: Path) -> None:
    if not (MATHJAX / "tex-chtml.js").exists():
        raise SystemExit(f"MathJax is missing ({MATHJAX}): run `make setup` (it runs `npm ci` in site/)")
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in ["conf.py", "index.md"]:
        shutil.copy2(SITE / name, src / name)
    shutil.copytree(SITE / "_static", src / "_static")
    for part in MATHJAX_PARTS:
        source, target = MATHJAX / part, src / "_static" / "mathjax" / part
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (src / "notebooks").mkdir()
    for path in notebooks:
        shutil.copy2(path, src / "notebooks" / path.name)
    # The student edition always comes from the course's own notebooks (the exercises as written),
    # whichever executed copies the pages show.
    student = work / "student"
    editions.write_student(course_notebooks(ROOT / "notebooks"), student)
    downloads = src / "downloads"
    shutil.copytree(student / "notebooks", downloads / "student")
    shutil.copy2(work / "student.zip", downloads / "student.zip")
    size_mb = (downloads / "student.zip").stat().st_size / 1e6
    (src / "contents.md").write_text(contents_table(notebooks, downloads / "student", size_mb), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    args = ap.parse_args()
    notebooks = course_notebooks(args.notebooks)
    if not notebooks:
        ap.error(f"no course notebooks (NN_name.ipynb) in {args.notebooks}")
    left_out = sorted({p.name for p in course_notebooks(ROOT / "notebooks")} - {p.name for p in notebooks})
    if left_out:
        print(f"warning: not in {args.notebooks} (did they fail to execute?), so not on the website: {', '.join(left_out)}", file=sys.stderr)
    for path in notebooks:
        missing = unexecuted_cells(nbformat.read(path, as_version=4))
        if missing:
            print(f"warning: {path.name}: {missing} code cells were never executed; their pages show no output", file=sys.stderr)
    out = args.out.resolve()
    t0 = time.monotonic()
    stage(notebooks, out / "src", out)
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    # -W: a warning (a broken link, a formula or a heading Sphinx could not read) fails the build;
    # --keep-going lists them all first. -q: only warnings are printed.
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-j", "auto",
           "-d", str(out / "doctrees"), str(out / "src"), str(html)]
    if subprocess.call(cmd) != 0:
        print(f"the website did not build: see the warnings above (sources staged in {out / 'src'})", file=sys.stderr)
        return 1
    print(f"website: {html / 'index.html'} ({len(notebooks)} notebooks, {time.monotonic() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
