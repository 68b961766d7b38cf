"""The course kernel (dlcourse-kernel) over the real Jupyter protocol: nbconvert, nbclient and
jupyter_client talk to it as JupyterLab would.

Most tests start the kernel in a temporary folder outside the course, so that it does not compile
the course crate (a cell then takes a few seconds); the last ones run in the repository.
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[2]
JUPYTER = Path(sys.executable).parent / "jupyter"
MARK = "\\u{1f}dlcourse-display "  # the stdout prefix the crate writes for a display (Rust escape)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def notebook(*cells: str, tags: dict[int, list[str]] | None = None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "rust", "display_name": "Rust", "language": "rust"}
    for i, src in enumerate(cells):
        cell = nbformat.v4.new_code_cell(src)
        if tags and i in tags:
            cell.metadata["tags"] = tags[i]
        nb.cells.append(cell)
    return nb


def run(nb, folder: Path, allow_errors: bool = False):
    client = NotebookClient(nb, kernel_name="rust", timeout=300, startup_timeout=120,
                            allow_errors=allow_errors, resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


def texts(cell, name: str = "stdout") -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == name)


def test_plain_nbconvert_fails_on_a_failed_check_and_names_it(tmp_path):
    path = tmp_path / "check.ipynb"
    nbformat.write(notebook("let x = 2 + 2;", 'assert_eq!(x, 5, "deliberately failing check: x = {x}");', 'println!("not reached");'), path)
    r = subprocess.run([str(JUPYTER), "nbconvert", "--to", "notebook", "--execute", "--output", "out.ipynb", str(path)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "deliberately failing check: x = 4" in r.stderr, r.stderr
    assert "panic" in r.stderr


def test_plain_nbconvert_passes_a_notebook_whose_checks_hold(tmp_path):
    path = tmp_path / "ok.ipynb"
    nbformat.write(notebook("let x = 2 + 2;", "assert_eq!(x, 4);", "x * 10"), path)
    r = subprocess.run([str(JUPYTER), "nbconvert", "--to", "notebook", "--execute", "--output", "out.ipynb", str(path)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert out.cells[2].outputs[0]["data"]["text/plain"] == "40"


def test_a_failed_check_is_an_error_naming_message_and_cell_line_and_variables_survive(tmp_path):
    nb = run(notebook("let x = 41;", 'let y = x + 1;\nassert!(y == 0, "y is {y}");', "x + 1", tags={1: ["raises-exception"]}), tmp_path)
    error = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert len(error) == 1 and error[0].ename == "panic", nb.cells[1].outputs
    assert error[0].evalue == "y is 42"
    assert "line 2 of this cell" in "\n".join(error[0].traceback)
    assert texts(nb.cells[1], "stderr") == "", "the panic message is the error, not also stderr text"
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "42", "variables of earlier cells survive a failed check"


def test_an_error_returned_with_question_mark_fails_the_cell(tmp_path):
    nb = notebook('let n: i32 = "12x".parse()?;\nprintln!("not reached {n}");')
    with pytest.raises(CellExecutionError) as e:
        run(nb, tmp_path)
    assert "invalid digit found in string" in str(e.value)
    assert "not reached" not in texts(nb.cells[0])


def test_a_compile_error_names_the_cell_line(tmp_path):
    nb = notebook("let a = 1;\nlet b: String = a;")
    with pytest.raises(CellExecutionError) as e:
        run(nb, tmp_path)
    assert "mismatched types" in str(e.value)
    error = nb.cells[0].outputs[-1]
    assert error.ename == "CompileError" and "let b: String = a;" in ANSI.sub("", "\n".join(error.traceback))


def test_a_compile_error_in_a_cell_with_greek_letters_names_its_line(tmp_path):
    # evcxr's own report gives up on any non-ASCII character in the cell (the course's cells are
    # full of θ and σ), which left only the message; the kernel draws it under the line itself.
    nb = notebook("let a = 1;", "// θ: an angle, in radians\nlet θ = 0.7;\nlet b: String = θ;")
    with pytest.raises(CellExecutionError):
        run(nb, tmp_path)
    error = nb.cells[1].outputs[-1]
    text = ANSI.sub("", "\n".join(error.traceback))
    assert error.ename == "CompileError" and "let b: String = θ;" in text, text
    assert re.search(r"cell\[\d+\]:3:\d+", text), f"the report names line 3 of the cell: {text}"


def test_every_display_of_a_cell_is_kept_in_order_and_an_updated_one_ends_as_its_last_state(tmp_path):
    show = 'println!("{}{{\\"data\\":{{\\"text/plain\\":\\"{}\\"}},\\"display_id\\":{},\\"update\\":{}}}", "%s", %s, %s, %s);'
    cell = "\n".join([
        show % (MARK, '"first"', '"null"', "false"),
        'println!("between");',
        show % (MARK, '"second"', '"null"', "false"),
        show % (MARK, '"progress 1/3"', '"\\"p\\""', "false"),
        show % (MARK, '"progress 2/3"', '"\\"p\\""', "true"),
        show % (MARK, '"progress 3/3"', '"\\"p\\""', "true"),
    ])
    nb = run(notebook(cell), tmp_path)
    shown = [(o.output_type, o.get("data", {}).get("text/plain") or o.get("text")) for o in nb.cells[0].outputs]
    assert shown == [("display_data", "first"), ("stream", "between\n"), ("display_data", "second"), ("display_data", "progress 3/3")], shown


def test_interrupt_stops_a_runaway_cell_and_the_next_cell_runs(tmp_path):
    km, kc = start_new_kernel(kernel_name="rust", cwd=str(tmp_path))
    try:
        kc.execute_interactive("let warm = 1;", timeout=300)
        msg_id = kc.execute("loop { std::hint::black_box(0); }")
        time.sleep(3)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=60)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"]
        results = []
        reply = kc.execute_interactive("6 * 7", timeout=300, output_hook=lambda m: results.append(m))
        assert reply["content"]["status"] == "ok"
        assert any(m["msg_type"] == "execute_result" and m["content"]["data"]["text/plain"] == "42" for m in results)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_two_kernels_run_at_once(tmp_path):
    results: dict[int, object] = {}

    def one(k: int) -> None:
        folder = tmp_path / f"k{k}"
        folder.mkdir()
        try:
            nb = run(notebook(f"let k = {k};", "k * 100"), folder)
            results[k] = nb.cells[1].outputs[0]["data"]["text/plain"]
        except Exception as e:  # reported below
            results[k] = e

    threads = [threading.Thread(target=one, args=(k,)) for k in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {1: "100", 2: "200"}, results


def test_kernel_info_describes_rust():
    km, kc = start_new_kernel(kernel_name="rust")
    try:
        kc.kernel_info()
        info = kc.get_shell_msg(timeout=30)["content"]
        assert info["implementation"] == "dlcourse-kernel"
        assert info["language_info"]["name"] == "rust" and info["language_info"]["file_extension"] == ".rs"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_in_the_course_figures_and_training_progress_show_as_the_course_kernel_draws_them():
    """In the repository (the warm-up compiles the crate): two figures shown in one cell are both
    kept, and a training run's progress, updated after each of 30 epochs, ends as one line."""
    nb = notebook(
        ':dep dlcourse = { path = ".." }',
        "use dlcourse::prelude::*;",
        "{\n    let a = LinePlot::new(\"a\").line(\"y\", &[0.0, 1.0], &[0.0, 1.0]).figure();\n"
        "    let b = LinePlot::new(\"b\").line(\"y\", &[0.0, 1.0], &[1.0, 0.0]).figure();\n"
        "    a.show();\n    b.show();\n}",
        "let epochs = {\n    let model = mlp(&[2, 4, 2], Activation::Relu, &mut StdRng::seed_from_u64(0));\n"
        "    let mut sgd = Sgd::new(model.parameters(), SgdOptions { lr: 0.1, ..Default::default() });\n"
        "    let x = array![[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]].into_dyn();\n"
        "    let options = FitOptions { epochs: 30, batch_size: 2, progress: true, ..Default::default() };\n"
        "    let history = fit_classifier(&model, &mut sgd, &x, &[0, 0, 1, 1], None, &options)?;\n"
        "    history.epochs.len()\n};\nprintln!(\"{epochs} epochs\");",
    )
    nb = run(nb, ROOT / "notebooks")
    pngs = [o for o in nb.cells[2].outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(pngs) == 2, nb.cells[2].outputs
    outputs = [(o.output_type, o.get("data", {}).get("text/plain") or o.get("text")) for o in nb.cells[3].outputs]
    assert len(outputs) == 2 and outputs[1] == ("stream", "30 epochs\n"), outputs
    assert outputs[0][0] == "display_data" and outputs[0][1].startswith("epoch 30/30: train loss"), outputs
