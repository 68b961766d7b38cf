#!/usr/bin/env python3
"""Student edition of the course notebooks, and the grading of students' submissions.

How exercises are marked in the notebooks (nbgrader's cell metadata, version 3, so that the
marks survive editing in JupyterLab and nbgrader itself can read them):

- an **answer cell** (`metadata.nbgrader.solution: true`, `grade_id` `<exercise>-answer`): a code
  cell whose worked solution lies between `// BEGIN SOLUTION` and `// END SOLUTION` lines (the body
  of a function the check calls), or a markdown cell holding a written solution
  (`<exercise>-derivation`);
- a **check cell** (`grade: true`, `locked: true`, `points`, `grade_id` `<exercise>-check`): code
  that calls the answer and fails (a failed `assert!`, a `?` error) when it is wrong. Lines between
  `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS` are left out of the student edition and put
  back when grading.

The exercise's name ("Exercise 2 (convexity from the Hessian)") is read from the markdown cell
that states it (`**Exercise 2 (…).**`), nearest above the answer cell.

Commands:
  editions.py student [--out build/student] [notebooks ...]
      the student edition: each solution region replaced by `todo!("Exercise N: …")`, written
      solutions by a prompt, hidden tests removed, outputs of answer and check cells cleared,
      everything else unchanged; with the crate's sources beside the notebooks (their
      `:dep dlcourse = { path = ".." }` needs them) and a zip of the whole for handing out.
  editions.py grade SUBMISSIONS [--out build/grades] [--timeout 120] [--memory-mb 4096]
      SUBMISSIONS holds one folder per student with their notebooks (any subfolder depth). Each
      notebook is executed in a fresh course kernel with the original check cells (hidden tests
      restored), a time limit per cell and a memory limit for the process that runs the cells;
      writes gradebook.csv (student, notebook, exercise, points, max_points, passed, message),
      feedback/<student>.md and the executed notebooks.
  editions.py check NOTEBOOK
      a student's own check before handing in: grades one notebook with its visible checks and
      prints which exercises pass.

Why not nbgrader itself: see the README ("Student and teacher editions").
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
EXERCISE_TITLE = re.compile(r"\*\*(Exercise \d+[^*]*?)\.?\*\*")
BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
# A student's own check runs on their machine: a generous cap, only against a runaway cell.
SELF_CHECK_MEMORY_MB = 8192
TEXT_STUB = "*Your answer.* (Write your derivation or explanation here.)"
# What the student edition carries besides the notebooks: what `:dep dlcourse = { path = ".." }`
# compiles (the crate, its data and fonts).
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "src", "data", "assets", "LICENSE-MIT", "LICENSE-APACHE"]


def course_notebooks(folder: Path) -> list[Path]:
    """The course's notebooks in lecture order: files named `NN_name.ipynb`, sorted by name."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


# ---------------------------------------------------------------- reading the marks

def marks(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell) -> bool:
    return bool(marks(cell).get("solution"))


def is_check(cell) -> bool:
    return bool(marks(cell).get("grade")) and not is_answer(cell)


def exercise_id(cell) -> str:
    """grade_id is `<exercise>-<role>` (ex2-answer, ex2-derivation, ex2-check)."""
    return marks(cell).get("grade_id", "").split("-", 1)[0]


@dataclass
class Exercise:
    id: str
    title: str
    points: float = 0.0
    answers: list[int] = field(default_factory=list)
    check: int | None = None


def exercises(nb) -> dict[str, Exercise]:
    """The marked exercises of a notebook, in order, by id."""
    found: dict[str, Exercise] = {}
    title = ""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and not is_answer(cell):
            titles = EXERCISE_TITLE.findall(cell.source)
            if titles:
                title = titles[-1].strip()
        if not (is_answer(cell) or is_check(cell)):
            continue
        ex = found.setdefault(exercise_id(cell), Exercise(exercise_id(cell), title or exercise_id(cell)))
        if is_answer(cell):
            ex.answers.append(index)
        else:
            if ex.check is not None:
                raise ValueError(f"exercise {ex.id} has two check cells (cells {ex.check} and {index}); give each its own grade_id")
            ex.check = index
            ex.points = float(marks(cell).get("points", 0))
    for ex in found.values():
        if ex.check is None:
            raise ValueError(f"exercise {ex.id} ({ex.title}) has an answer cell but no check cell")
    return found


def short_name(title: str) -> str:
    """"Exercise 2 (convexity from the Hessian)" → "Exercise 2"."""
    return title.split("(")[0].strip()


# ---------------------------------------------------------------- the student edition

def replace_region(source: str, begin: str, end: str, stub: list[str] | None) -> str:
    """Replaces each region between lines holding `begin` and `end` (both included) with `stub`,
    indented as the `begin` line; `stub=None` removes the region."""
    out, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ValueError(f"'{begin}' inside another region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + s for s in (stub or []))
        elif end in line:
            if not inside:
                raise ValueError(f"'{end}' without '{begin}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"'{begin}' without '{end}'")
    return "\n".join(out)


def code_stub(title: str) -> list[str]:
    return [f'todo!("{short_name(title)}: write your answer here")']


def student_cell_source(cell, title: str) -> str:
    """What a marked cell holds in the student edition."""
    if is_answer(cell):
        if cell.cell_type == "markdown":
            return TEXT_STUB
        if BEGIN_SOLUTION not in cell.source:
            return "// " + short_name(title) + ": write your answer here\n" + code_stub(title)[0]
        return replace_region(cell.source, BEGIN_SOLUTION, END_SOLUTION, code_stub(title))
    if is_check(cell):
        return replace_region(cell.source, BEGIN_HIDDEN, END_HIDDEN, None)
    return cell.source


def student_edition(nb):
    """A copy of `nb` with the solutions and hidden tests taken out (see the module's doc)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    found = exercises(nb)
    for ex in found.values():
        for index in ex.answers + [ex.check]:
            cell = nb.cells[index]
            cell.source = student_cell_source(cell, ex.title)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    return nb, found


def write_student(paths: list[Path], out: Path) -> list[tuple[str, int]]:
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    for name in CRATE_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, out / name)
        elif src.exists():
            shutil.copy2(src, out / name)
    made = []
    for path in paths:
        nb, found = student_edition(nbformat.read(path, as_version=4))
        nbformat.write(nb, out / "notebooks" / path.name)
        made.append((path.name, len(found)))
    (out / "README.md").write_text(STUDENT_README, encoding="utf-8")
    archive = shutil.make_archive(str(out.parent / out.name), "zip", root_dir=out.parent, base_dir=out.name)
    print(f"student edition: {out} ({archive})")
    return made


STUDENT_README = """# Deep learning from first principles, in Rust — student edition

Each notebook ends with exercises. For each one: read the statement, write your answer in the cell
below it (replace `todo!(…)`; keep the function's name and signature), then run the **check** cell
that follows. A check that passes prints its values; one that fails says why (a failed
`assert!` names what was expected). Do not edit the check cells: they are graded as handed out,
and some exercises have further checks your teacher runs when grading.

Open the notebooks with the course kernel (`make lab` in the course repository, or on your class
server), and run every cell from the top (Run ▸ Run All Cells): the exercises use what the cells
above them computed. To see which of your exercises pass before handing in, from the course
repository: `make check-answers NOTEBOOK=path/to/your/notebook.ipynb`.
"""


# ---------------------------------------------------------------- grading

@dataclass
class Result:
    student: str
    notebook: str
    exercise: str
    points: float
    max_points: float
    passed: bool
    message: str


# The characters of the frame the kernel draws a compile error in (besides spaces).
FRAME = " │─┬┴╭╮╰╯├┤┼·"


def first_error(cell, memory_mb: int | None = None) -> str | None:
    """The kernel's message for a failed cell in a few lines; None if the cell did not fail."""
    for o in cell.get("outputs", []):
        if o.get("output_type") != "error":
            continue
        head = f"{o.get('ename', 'Error')}: {o.get('evalue', '')}".strip()
        lines = [ANSI.sub("", part).rstrip() for entry in o.get("traceback", []) for part in entry.splitlines()]
        # what the traceback adds to the head: the cell's line, the compiler's labels and help
        # (a compile error is drawn under the cell's line: the frame's own lines say nothing)
        evalue = str(o.get("evalue", "")).strip()
        detail = [line.strip().removeprefix("│").strip() for line in lines if line.strip(FRAME) and line.strip() not in head
                  and not (evalue and evalue in line)][:4]
        if detail and detail[-1].endswith(":"):  # "panicked at this cell:" before the message already in head
            detail[-1] = detail[-1][:-1]
        if o.get("ename") == "ProcessDied":
            # the cause is on stderr, before the process ended
            cause = [line.strip() for line in stderr_text(cell).splitlines()
                     if "memory allocation of" in line or "overflow" in line or "panicked" in line][:1]
            if memory_mb and cause and "memory allocation of" in cause[0]:
                head = f"the cell ran out of its memory limit of {memory_mb} MiB ({cause[0]})"
            elif cause:
                head = f"{head} ({cause[0]})"
            detail = ["the process that runs the cells was restarted: the variables of earlier cells are gone"]
        return "\n".join([head] + detail)
    return None


def stderr_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


def graded_copy(source_nb, submitted_nb) -> tuple[object, dict[str, str]]:
    """The submission with every check cell replaced by the original (hidden tests included),
    matched by grade_id; returns it and, by exercise id, what was wrong with its check cell."""
    found = exercises(source_nb)
    checks = {marks(source_nb.cells[ex.check])["grade_id"]: ex for ex in found.values()}
    notes: dict[str, str] = {}
    seen = set()
    for cell in submitted_nb.cells:
        grade_id = marks(cell).get("grade_id")
        if grade_id in checks and cell.cell_type == "code":
            ex = checks[grade_id]
            original = source_nb.cells[ex.check]
            if cell.source.strip() != student_cell_source(original, ex.title).strip():
                notes[ex.id] = "the check cell had been edited; it was graded as handed out"
            cell.source = original.source
            cell.metadata["nbgrader"] = dict(marks(original))
            seen.add(grade_id)
    for grade_id, ex in checks.items():
        if grade_id not in seen:
            notes[ex.id] = "the check cell was deleted, so this exercise cannot be graded (0 points); hand in the notebook with every check cell as handed out"
    return submitted_nb, notes


def execute_for_grading(nb, timeout: int, memory_mb: int, workdir: Path) -> tuple[dict[int, str], str | None]:
    """Executes every cell of `nb` (in place) in a fresh course kernel started in `workdir`,
    carrying on past failures. Returns the cells that ran out of time and, if the run stopped
    early, why."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    started: dict[int, float] = {}
    timed_out: dict[int, str] = {}
    running: list[int] = []

    def on_start(cell, cell_index, **_):
        started[cell_index] = time.monotonic()
        running.append(cell_index)

    def on_done(cell, cell_index, **_):
        if time.monotonic() - started.get(cell_index, time.monotonic()) >= timeout:
            timed_out[cell_index] = f"stopped after the time limit of {timeout} s per cell (an endless loop?)"

    client = NotebookClient(
        nb, kernel_name="rust", timeout=timeout, interrupt_on_timeout=True, allow_errors=True,
        startup_timeout=180, record_timing=False, resources={"metadata": {"path": str(workdir)}},
        on_cell_start=on_start, on_cell_executed=on_done,
    )
    # nbclient interrupts a cell at the time limit; should the kernel not stop it, this kills the
    # kernel (nbclient then reports it dead and the grading goes on).
    finished = threading.Event()

    def watchdog():
        while not finished.wait(2):
            if running and time.monotonic() - started[running[-1]] > 2 * timeout + 30:
                process = getattr(getattr(client.km, "provisioner", None), "process", None)
                if process is not None:
                    timed_out[running[-1]] = f"stopped after the time limit of {timeout} s per cell; the kernel did not stop it and was killed"
                    process.kill()
                return

    threading.Thread(target=watchdog, daemon=True).start()
    env = dict(os.environ, DLCOURSE_CELL_MEMORY_MB=str(memory_mb))
    try:
        client.execute(env=env)
    except CellTimeoutError:
        return timed_out, f"the kernel did not stop a cell after the time limit of {timeout} s"
    except DeadKernelError as e:
        return timed_out, f"the kernel died: {e}"
    except Exception as e:  # a submission must never stop the grading of the others
        return timed_out, f"{type(e).__name__}: {e}"
    finally:
        finished.set()
    return timed_out, None


def grade_notebook(source_path: Path, submitted: Path, student: str, timeout: int, memory_mb: int,
                   out: Path | None, hidden: bool = True) -> list[Result]:
    source_nb = nbformat.read(source_path, as_version=4)
    if not hidden:
        source_nb = student_hidden_removed(source_nb)
    found = exercises(source_nb)

    def all_failed(message: str) -> list[Result]:
        return [Result(student, source_path.name, ex.title, 0.0, ex.points, False, message) for ex in found.values()]

    try:
        submitted_nb = nbformat.read(submitted, as_version=4)
    except Exception as e:
        return all_failed(f"{submitted.name} is not a notebook that can be read ({type(e).__name__}: {e}); hand in the .ipynb file JupyterLab saved")
    try:
        nb, notes = graded_copy(source_nb, submitted_nb)
    except Exception as e:
        return all_failed(f"{submitted.name} could not be prepared for grading ({type(e).__name__}: {e})")
    # the kernel starts in the course's notebooks folder, so that `:dep dlcourse = { path = ".." }` finds the crate
    timed_out, stopped = execute_for_grading(nb, timeout, memory_mb, ROOT / "notebooks")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / source_path.name)
    ids = {marks(c).get("grade_id"): i for i, c in enumerate(nb.cells)}
    results = []
    for ex in found.values():
        index = ids.get(marks(source_nb.cells[ex.check])["grade_id"])
        answers = [ids.get(marks(source_nb.cells[a]).get("grade_id")) for a in ex.answers]
        results.append(Result(student, source_path.name, ex.title, 0.0, ex.points, False, ""))
        if index is None:
            results[-1].message = notes[ex.id]
            continue
        code_answers = [i for i in answers if i is not None and nb.cells[i].cell_type == "code"]
        answer_error = next((e for e in (first_error(nb.cells[i], memory_mb) for i in code_answers) if e), None)
        check_error = first_error(nb.cells[index], memory_mb)
        if index in timed_out:
            message = timed_out[index]
        elif any(i in timed_out for i in code_answers):
            message = "the answer cell " + next(timed_out[i] for i in code_answers if i in timed_out)
        elif not nb.cells[index].get("outputs") and nb.cells[index].get("execution_count") is None:
            message = f"the check did not run: {stopped or 'the notebook stopped before it'}"
        elif check_error:
            # a check that fails because its answer did not compile or run says so first
            message = f"the answer cell failed: {answer_error}" if answer_error else check_error
        else:
            message = "passed"
            results[-1].passed, results[-1].points = True, ex.points
        if None in answers and message != "passed":
            message += " (the answer cell was deleted: write the answer in the cell under the statement)"
        results[-1].message = message + (f" ({notes[ex.id]})" if ex.id in notes else "")
    return results


def student_hidden_removed(nb):
    """`nb` (changed in place) with its check cells as the student edition has them."""
    for cell in nb.cells:
        if is_check(cell):
            cell.source = student_cell_source(cell, "")
    return nb


def find_submissions(folder: Path, sources: dict[str, Path]) -> dict[str, list[Path]]:
    """One entry per student folder: the notebooks in it (any depth) named as a course notebook."""
    students = {}
    for student in sorted(p for p in folder.iterdir() if p.is_dir()):
        students[student.name] = sorted(p for p in student.rglob("*.ipynb")
                                        if p.name in sources and ".ipynb_checkpoints" not in p.parts)
    return students


def write_feedback(results: list[Result], path: Path) -> None:
    lines = [f"# Feedback for {results[0].student}", ""]
    for notebook in dict.fromkeys(r.notebook for r in results):
        mine = [r for r in results if r.notebook == notebook]
        if not notebook:  # nothing handed in
            lines += [r.message for r in mine] + [""]
            continue
        got, total = sum(r.points for r in mine), sum(r.max_points for r in mine)
        lines += [f"## {notebook}: {got:g} of {total:g} points", ""]
        for r in mine:
            mark = "passed" if r.passed else "not passed"
            lines.append(f"- **{r.exercise}** ({r.points:g}/{r.max_points:g}): {mark}")
            if not r.passed:
                lines += ["", "  ```", *("  " + m for m in r.message.splitlines()), "  ```", ""]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def grade(submissions: Path, out: Path, timeout: int, memory_mb: int) -> list[Result]:
    sources = {p.name: p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if exercises(nbformat.read(p, as_version=4))}
    students = find_submissions(submissions, sources)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    everything: list[Result] = []
    for student, notebooks in students.items():
        results: list[Result] = []
        if not notebooks:
            message = (f"no course notebook found in {submissions / student}: a notebook is recognised by its name, "
                       f"which must stay as handed out (e.g. {max(sources)})")
            print(f"  {student}: {message}", flush=True)
            results.append(Result(student, "", "", 0.0, 0.0, False, message))
        for submitted in notebooks:
            t0 = time.monotonic()
            rs = grade_notebook(sources[submitted.name], submitted, student, timeout, memory_mb, out / "executed" / student)
            results += rs
            print(f"  {student} / {submitted.name}: {sum(r.points for r in rs):g} of {sum(r.max_points for r in rs):g} points "
                  f"({time.monotonic() - t0:.0f} s)", flush=True)
        if results:
            write_feedback(results, out / "feedback" / f"{student}.md")
        everything += results
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "notebook", "exercise", "points", "max_points", "passed", "message"])
        for r in everything:
            w.writerow([r.student, r.notebook, r.exercise, f"{r.points:g}", f"{r.max_points:g}", "yes" if r.passed else "no", r.message])
    return everything


# ---------------------------------------------------------------- command line

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("student", help="write the student edition")
    s.add_argument("notebooks", nargs="*", type=Path)
    s.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    g = sub.add_parser("grade", help="grade a folder of submissions (one folder per student)")
    g.add_argument("submissions", type=Path)
    g.add_argument("--out", type=Path, default=ROOT / "build" / "grades")
    g.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell (default 120)")
    g.add_argument("--memory-mb", type=int, default=4096, help="memory of the process that runs the cells, MiB (default 4096)")
    c = sub.add_parser("check", help="a student's check of one notebook before handing it in (visible checks only)")
    c.add_argument("notebook", type=Path)
    c.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()

    if args.command == "student":
        paths = args.notebooks or course_notebooks(ROOT / "notebooks")
        for name, n in write_student([p.resolve() for p in paths], args.out.resolve()):
            print(f"  {name}: {n} exercises")
        return 0
    if args.command == "grade":
        if not args.submissions.is_dir():
            ap.error(f"{args.submissions} is not a folder (it should hold one folder per student)")
        results = grade(args.submissions.resolve(), args.out.resolve(), args.timeout, args.memory_mb)
        print(f"gradebook: {args.out / 'gradebook.csv'} ({len(results)} rows); feedback: {args.out / 'feedback'}")
        return 0
    source = ROOT / "notebooks" / args.notebook.name
    if not source.exists():
        ap.error(f"{args.notebook.name} is not the name of a course notebook (in {ROOT / 'notebooks'})")
    results = grade_notebook(source, args.notebook, "you", args.timeout, SELF_CHECK_MEMORY_MB, None, hidden=False)
    for r in results:
        print(f"{'✓' if r.passed else '✗'} {r.exercise}: " + r.message.replace("\n", "\n    "))
    print(f"{sum(r.points for r in results):g} of {sum(r.max_points for r in results):g} points (visible checks only)")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
