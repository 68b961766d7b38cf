"""Tests of tools/run_notebooks.py: a failing check in a notebook must fail the run, and say where.

These execute tiny notebooks on the course kernel (no crate dependency, a few seconds each).
"""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tools" / "run_notebooks.py"
sys.path.insert(0, str(ROOT / "tools"))
import run_notebooks  # noqa: E402


def notebook(path: Path, *cells: tuple[str, list[str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Rust", "language": "rust", "name": "rust"}
    nb.cells = [nbformat.v4.new_markdown_cell("# fixture")]
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def run(tmp_path: Path, nb: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RUNNER), "--out", str(tmp_path / "out"), "--timeout", "120", str(nb)],
        capture_output=True, text=True, timeout=300,
    )


def test_failed_assert_fails_the_run_and_names_cell_and_message(tmp_path):
    nb = notebook(tmp_path / "01_fail.ipynb",
                  ("let x = 2 + 2;", []),
                  ('assert!(x == 5, "deliberately failing check: x = {x}");', []),
                  ('println!("this cell must not run");', []))
    r = run(tmp_path, nb)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "01_fail.ipynb: code cell at index 2 failed" in r.stderr
    assert "deliberately failing check: x = 4" in r.stderr
    assert "line 1 of this cell" in r.stderr, r.stderr
    assert "0 passed, 1 failed" in r.stdout


def test_compile_error_shows_the_compiler_message(tmp_path):
    nb = notebook(tmp_path / "02_compile.ipynb", ('let y: u32 = "not a number";', []))
    r = run(tmp_path, nb)
    assert r.returncode != 0
    assert "02_compile.ipynb: code cell at index 1 failed" in r.stderr
    assert "mismatched types" in r.stderr, r.stderr


def test_cells_tagged_raises_exception_may_fail(tmp_path):
    nb = notebook(tmp_path / "03_allowed.ipynb",
                  ('let y: u32 = "a compile error shown on purpose";', ["raises-exception"]),
                  ('let z = 40 + 2;\nassert_eq!(z, 42);\nprintln!("{z}");', []))
    r = run(tmp_path, nb)
    assert r.returncode == 0, r.stdout + r.stderr
    out = nbformat.read(tmp_path / "out" / "03_allowed.ipynb", as_version=4)
    assert "42" in "".join(o.get("text", "") for o in out.cells[2].outputs)
    assert all("execution" not in c.metadata for c in out.cells)


def test_a_failure_report_carries_what_the_cell_printed():
    cell = nbformat.v4.new_code_cell('println!("measured 0.93"); assert!(false);')
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="measured 0.93\n"),
                    nbformat.v4.new_output("error", ename="panic", evalue="assertion failed: false",
                                           traceback=["panicked at line 1 of this cell:", "assertion failed: false"])]
    with pytest.raises(run_notebooks.CellFailure) as e:
        run_notebooks.check_cell(cell, 2)
    assert e.value.index == 2 and "assertion failed" in e.value.message
    assert "printed before" in e.value.message and "measured 0.93" in e.value.message


def test_text_on_stderr_that_did_not_fail_the_cell_fails_the_run():
    """A course notebook's cells print nothing on stderr when all is well: a panic the cell caught,
    a figure that could not be drawn or a warning fails the run even though the kernel said ok."""
    cell = nbformat.v4.new_code_cell('println!("first"); let _ = std::panic::catch_unwind(|| panic!("caught"));')
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="first\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="thread panicked at src/lib.rs:3:1:\ncaught\n")]
    with pytest.raises(run_notebooks.CellFailure, match="wrote to stderr") as e:
        run_notebooks.check_cell(cell, 16)
    assert "caught" in e.value.message and "first" in e.value.message
    cell.metadata["tags"] = ["raises-exception"]
    run_notebooks.check_cell(cell, 16)


def test_vars_listing_is_sorted():
    cell = nbformat.v4.new_code_cell(":vars")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/plain": "steps: i32\nalpha: f64\n",
        "text/html": "<table><tr><th>Variable</th><th>Type</th></tr><tr><td>steps</td><td>i32</td><tr><tr><td>alpha</td><td>f64</td><tr></table>",
    })]
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    run_notebooks.clean(nb)
    data = nb.cells[0].outputs[0]["data"]
    assert data["text/plain"] == "alpha: f64\nsteps: i32\n"
    assert data["text/html"].index("alpha") < data["text/html"].index("steps")


def test_a_figure_shown_as_text_is_a_failure():
    """The runner's own check, without a kernel: an execute_result that is only a Figure's text."""
    cell = nbformat.v4.new_code_cell("Figure::grid(panels, 2)?")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "Figure 920x360 px, 2 panel(s)"}, execution_count=1)]
    with pytest.raises(run_notebooks.CellFailure, match="figure or table as text"):
        run_notebooks.check_cell(cell, 3)
    cell.outputs[0]["data"]["image/png"] = "iVBOR"
    run_notebooks.check_cell(cell, 3)


def test_a_unit_value_is_a_failure():
    cell = nbformat.v4.new_code_cell("for i in 0..3 { println!(\"{i}\") }")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "()"}, execution_count=1)]
    with pytest.raises(run_notebooks.CellFailure, match="displays `\\(\\)`"):
        run_notebooks.check_cell(cell, 1)


def test_coretypes_take_turns_and_reach_the_kernel(tmp_path):
    """`--coretypes Haswell,native`: the first notebook's kernel runs with OPENBLAS_CORETYPE=Haswell,
    the second without it, and the report names the kernel OpenBLAS picked for each."""
    if not {"avx2", "fma"} <= run_notebooks.cpu_flags():
        pytest.skip("this processor cannot run OpenBLAS's Haswell kernel")
    show = 'println!("core type set: [{}]", std::env::var("OPENBLAS_CORETYPE").unwrap_or_default());'
    first = notebook(tmp_path / "01_first.ipynb", (show, []))
    second = notebook(tmp_path / "02_second.ipynb", (show, []))
    r = subprocess.run(
        [sys.executable, str(RUNNER), "--out", str(tmp_path / "out"), "--timeout", "120",
         "--coretypes", "Haswell,native", str(first), str(second)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "01_first.ipynb … (OpenBLAS kernel Haswell)" in r.stdout
    printed = [run_notebooks.cell_text(nbformat.read(tmp_path / "out" / name, as_version=4).cells[1].outputs, ("stdout",))
               for name in ("01_first.ipynb", "02_second.ipynb")]
    assert printed == ["core type set: [Haswell]\n", "core type set: []\n"], printed


def test_a_kernel_the_processor_cannot_run_is_replaced_and_reported(monkeypatch):
    monkeypatch.setattr(run_notebooks, "cpu_flags", lambda: {"sse2"})
    env, name = run_notebooks.blas_env("SkylakeX")
    assert "OPENBLAS_CORETYPE" not in env
    assert "SkylakeX needs avx512bw" in name and "which this processor lacks" in name, name
    with pytest.raises(SystemExit, match="unknown OpenBLAS core type 'Skylake'"):
        run_notebooks.blas_env("Skylake")


def test_every_executed_cell_is_numbered_even_without_output():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("let a = 1;"), nbformat.v4.new_markdown_cell("text"),
                nbformat.v4.new_code_cell("a")]
    nb.cells[2].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=7)]
    run_notebooks.clean(nb)
    assert [nb.cells[0].execution_count, nb.cells[2].execution_count] == [1, 2]
    assert nb.cells[2].outputs[0]["execution_count"] == 2
