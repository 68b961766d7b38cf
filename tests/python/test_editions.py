"""Tests of tools/editions.py: the student edition and the grading of submissions.

The first tests work on small notebooks in memory. The last one executes a course notebook
(15, the shortest) on the course kernel: its student edition as handed out, and fixture
submissions made from it — correct (the worked solutions pasted back), wrong, not compiling,
looping and exhausting memory, tampering with the checks, not a notebook at all — and checks the
gradebook. The gradebook and feedback files stay in build/test/grading for the maintainer to read.
"""
import csv
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "15_geometric_deep_learning.ipynb"


def marked(cell, grade_id, **marks):
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "solution": False, "grade": False, "locked": False, **marks}
    return cell


def small_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("let data = vec![1.0, 2.0];"),
        nbformat.v4.new_markdown_cell("**Exercise 1 (a sum).** Write `total`."),
        marked(nbformat.v4.new_markdown_cell("*Solution.* Add them up."), "ex1-derivation", solution=True),
        marked(nbformat.v4.new_code_cell("fn total(v: &[f64]) -> f64 {\n    // BEGIN SOLUTION\n    v.iter().sum()\n    // END SOLUTION\n}"),
               "ex1-answer", solution=True),
        marked(nbformat.v4.new_code_cell("assert_eq!(total(&data), 3.0);\n// BEGIN HIDDEN TESTS\nassert_eq!(total(&[]), 0.0);\n// END HIDDEN TESTS"),
               "ex1-check", grade=True, locked=True, points=2),
    ]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    nb.cells[4].outputs = [nbformat.v4.new_output("stream", name="stdout", text="passed\n")]
    return nb


def test_the_student_edition_stubs_solutions_and_drops_hidden_tests():
    student, found = editions.student_edition(small_notebook())
    assert list(found) == ["ex1"] and found["ex1"].title == "Exercise 1 (a sum)" and found["ex1"].points == 2
    answer = student.cells[3].source
    assert 'todo!("Exercise 1: write your answer here")' in answer and "iter().sum()" not in answer
    assert answer.startswith("fn total(v: &[f64]) -> f64 {\n    todo!(") and answer.endswith("}")
    assert student.cells[2].source == editions.TEXT_STUB
    assert "HIDDEN" not in student.cells[4].source and "total(&[])" not in student.cells[4].source
    assert student.cells[4].outputs == [] and student.cells[0].outputs  # check outputs cleared, others kept
    assert student.cells[0].source == "let data = vec![1.0, 2.0];"


def test_a_compile_error_is_reported_by_its_line_and_labels_not_its_frame():
    cell = nbformat.v4.new_code_cell("fn f(x: f64) -> f64 {\n    x.valeu()\n}")
    drawn = ["[E0599] Error: no method named `valeu` found for type `f64` in the current scope",
             "   ╭─[ cell[3]:2:7 ]", "   │", " 2 │     x.valeu()", "   │       ──┬──  ",
             "   │         ╰──── method not found in `f64`", "───╯"]
    cell.outputs = [nbformat.v4.new_output("error", ename="CompileError",
                                           evalue="no method named `valeu` found for type `f64` in the current scope",
                                           traceback=["\n".join(drawn)])]
    assert editions.first_error(cell).splitlines() == [
        "CompileError: no method named `valeu` found for type `f64` in the current scope",
        "╭─[ cell[3]:2:7 ]", "2 │     x.valeu()", "╰──── method not found in `f64`"]


def test_a_check_cell_is_restored_as_handed_out_with_its_hidden_tests():
    source = small_notebook()
    submitted, _ = editions.student_edition(source)
    submitted.cells[4].source = "// trust me"
    graded, notes = editions.graded_copy(source, submitted)
    assert "total(&[])" in graded.cells[4].source and "edited" in notes["ex1"]
    submitted, _ = editions.student_edition(source)
    del submitted.cells[4]
    _, notes = editions.graded_copy(source, submitted)
    assert "deleted" in notes["ex1"]


def test_marks_that_do_not_pair_are_an_error_naming_the_exercise():
    nb = small_notebook()
    del nb.cells[4]
    with pytest.raises(ValueError, match="ex1 .*no check cell"):
        editions.exercises(nb)
    with pytest.raises(ValueError, match="END SOLUTION"):
        editions.replace_region("a\n// END SOLUTION", editions.BEGIN_SOLUTION, editions.END_SOLUTION, [])


def with_answers(nb, answers: dict[str, str]):
    """A copy of `nb` whose answer cells (by grade_id) hold the given sources."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        grade_id = editions.marks(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def test_grading_fixture_submissions_on_a_course_notebook():
    out = ROOT / "build" / "test" / "grading"
    shutil.rmtree(out, ignore_errors=True)
    source = nbformat.read(NOTEBOOK, as_version=4)
    student, found = editions.student_edition(source)
    assert list(found) == ["ex1", "ex2"]
    solutions = {editions.marks(c)["grade_id"]: c.source for c in source.cells if editions.is_answer(c) and c.cell_type == "code"}
    subs = out / "submissions"
    fixtures = {
        "untouched": student,
        "correct": with_answers(student, solutions),
        "wrong": with_answers(student, {
            "ex1-answer": solutions["ex1-answer"].replace("?.relu();", "?;"),
            "ex2-answer": solutions["ex2-answer"].replace("0..400", "0..3"),
        }),
        "not_compiling": with_answers(student, {"ex1-answer": solutions["ex1-answer"].replace("Ok(h.value()", "Ok(h.valeu()"),
                                                "ex2-answer": solutions["ex2-answer"]}),
        "runaway": with_answers(student, {
            "ex1-answer": "fn graph_readout(layer: &nn::Linear, g: &datasets::Graph) -> Result<Array1<f64>> {\n    loop {}\n}",
            "ex2-answer": "fn learn_filter(x: &Tensor, target: &Tensor) -> Result<ArrayD<f64>> {\n"
                          "    let mut hog: Vec<Vec<u8>> = Vec::new();\n    loop { hog.push(vec![1; 1 << 26]); }\n}",
        }),
    }
    for name in ("wrong", "not_compiling"):  # the edits above must have changed something
        answers = {editions.marks(c)["grade_id"]: c.source for c in fixtures[name].cells if editions.is_answer(c) and c.cell_type == "code"}
        assert answers["ex1-answer"] != solutions["ex1-answer"], name
    tampered = with_answers(student, {})
    for cell in tampered.cells:
        if editions.marks(cell).get("grade_id") == "ex1-check":
            cell.source = "// looks fine to me\nprintln!(\"all good\");"
    tampered.cells = [c for c in tampered.cells if editions.marks(c).get("grade_id") != "ex2-check"]
    fixtures["tampered"] = tampered
    for name, nb in fixtures.items():
        (subs / name).mkdir(parents=True)
        nbformat.write(nb, subs / name / NOTEBOOK.name)
    (subs / "not_json").mkdir()
    (subs / "not_json" / NOTEBOOK.name).write_text('{"cells": [', encoding="utf-8")

    editions.grade(subs, out, timeout=60, memory_mb=2048)
    with open(out / "gradebook.csv", encoding="utf-8") as f:
        rows = {(r["student"], r["exercise"].split(" (")[0]): r for r in csv.DictReader(f)}

    def row(student, exercise):
        return rows[(student, exercise)]

    for exercise in ("Exercise 1", "Exercise 2"):
        assert row("correct", exercise)["passed"] == "yes", row("correct", exercise)
        assert row("correct", exercise)["points"] == "2"
        untouched = row("untouched", exercise)
        assert untouched["passed"] == "no" and f"{exercise}: write your answer here" in untouched["message"], untouched
        assert row("wrong", exercise)["passed"] == "no"
        assert "not_json" in {r[0] for r in rows} and "not a notebook" in row("not_json", exercise)["message"]
    assert "the readout" in row("wrong", "Exercise 1")["message"], row("wrong", "Exercise 1")
    assert "differs from the Laplacian" in row("wrong", "Exercise 2")["message"], row("wrong", "Exercise 2")
    broken = row("not_compiling", "Exercise 1")
    assert broken["passed"] == "no" and "answer cell failed" in broken["message"] and "valeu" in broken["message"], broken
    assert row("not_compiling", "Exercise 2")["passed"] == "yes"  # one broken exercise does not sink the others
    looped = row("runaway", "Exercise 1")
    assert looped["passed"] == "no" and "time limit of 60 s" in looped["message"], looped
    hog = row("runaway", "Exercise 2")
    assert hog["passed"] == "no" and "memory limit of 2048 MiB" in hog["message"], hog
    edited = row("tampered", "Exercise 1")
    assert edited["passed"] == "no" and "edited" in edited["message"] and "write your answer here" in edited["message"], edited
    deleted = row("tampered", "Exercise 2")
    assert deleted["passed"] == "no" and "deleted" in deleted["message"], deleted

    # the student edition as handed out: every cell above the exercises ran without an error
    executed = nbformat.read(out / "executed" / "untouched" / NOTEBOOK.name, as_version=4)
    first_exercise = next(i for i, c in enumerate(executed.cells) if editions.is_answer(c))
    failed = [i for i, c in enumerate(executed.cells[:first_exercise]) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert not failed, f"cells {failed} of the student edition failed before the exercises"
    feedback = (out / "feedback" / "tampered.md").read_text(encoding="utf-8")
    assert "Exercise 2" in feedback and "deleted" in feedback
