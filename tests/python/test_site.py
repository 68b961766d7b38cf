"""Tests of tools/build_site.py's contents table (the website itself is checked in a browser by
tests/browser/check_site.py): lecture numbers come from the file names, so a notebook left out (one
that failed to execute) shifts no other; a notebook with exercises must have the heading the table
links to; a notebook without exercises is listed as reference, not as a lecture."""
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"


def table(paths, tmp_path):
    student = tmp_path / "student"
    student.mkdir(exist_ok=True)
    for p in paths:
        (student / p.name).touch()
    return build_site.contents_table(paths, student, 1.0)


def test_numbers_come_from_file_names_when_a_notebook_is_missing(tmp_path):
    paths = [NOTEBOOKS / "00_getting_started.ipynb", NOTEBOOKS / "02_linear_algebra.ipynb",
             NOTEBOOKS / "90_figure_gallery.ipynb"]
    text = table(paths, tmp_path)
    rows = [line for line in text.splitlines() if line.startswith("| 0")]
    assert [r.split("|")[1].strip() for r in rows] == ["00", "02"]
    assert "[2 exercises](notebooks/02_linear_algebra.ipynb#exercises)" in rows[1]
    assert "00 Getting started" in text and "02 Linear algebra for deep learning <notebooks/02_linear_algebra>" in text
    # The gallery has no exercises: listed under Reference, in its own toctree, without a number.
    assert "- [Figure gallery" in text and ":caption: Reference" in text
    assert "| 90 |" not in text


def test_exercises_without_their_heading_fail_the_build(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "05_gradient_descent.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("## Exercises", "## Practice")
    path = tmp_path / "05_gradient_descent.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="no `## Exercises` heading"):
        table([path], tmp_path)


def test_every_course_notebook_has_a_title():
    for path in build_site.course_notebooks(NOTEBOOKS):
        assert build_site.title_of(nbformat.read(path, as_version=4))


def test_a_notebook_without_a_title_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Only a section")]
    with pytest.raises(ValueError, match="no title"):
        build_site.title_of(nb)
