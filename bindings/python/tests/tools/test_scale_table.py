"""`make scale`'s table (cli/scripts/scale_table.py): one row per scenario from the run's own
summary, the verdict against the scenario's target, and a failing run named with its error."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
SCRIPT = REPO / "cli" / "scripts" / "scale_table.py"


def table(cli, *args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--bin", cli, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


def test_a_row_per_scenario_from_the_runs_summary(cli):
    done = table(cli, "--repeat", "2", "chaps_day")
    assert done.returncode == 0, done.stderr
    summary = json.loads(
        subprocess.run(
            [cli, "run", "--quiet", "--format", "json", "examples/scenarios/chaps_day.yaml"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    rows = [line for line in done.stdout.splitlines() if line.startswith("| chaps_day |")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == f"{summary['agents']:,}"
    assert cells[2] == f"{summary['arrivals']:,}"
    assert cells[5].startswith("≤ 0.3 s ")
    by = summary["settlements_by_mechanism"]
    rtgs = 100 * by["rtgs"] / summary["settlements"]
    assert cells[9].startswith(f"{rtgs:.1f} · ")
    assert done.stdout.count("chaps_day run ") == 2


def test_a_prefix_of_days_has_no_verdict(cli):
    done = table(cli, "--days", "1", "t2_year")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| t2_year |"))
    assert row.split("|")[6].strip() == "—"


def test_a_failing_run_is_named_with_its_error(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("x: 1\n")
    done = table(cli, str(bad))
    assert done.returncode == 1
    assert "failed (exit 2)" in done.stderr
    assert "must be a mapping" in done.stderr
