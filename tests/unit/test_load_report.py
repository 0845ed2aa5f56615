"""The pure parts of the load test and the benchmarks' report: percentiles, the per-kind summary, and the
BENCHMARKS.md section that `make bench` and `make loadtest` each keep for the other."""
import pytest

from tools.bench.report import API_FUZZING, LOAD_TEST, percentile, replace_section, split_section, write_section
from tools.load.client import Sample
from tools.load.summary import summarise, table_lines


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))  # 1 … 100
    assert [percentile(values, q) for q in (50, 95, 99, 100)] == [50, 95, 99, 100]
    assert percentile([3.0], 99) == 3.0
    assert percentile([5, 1, 4, 2, 3], 50) == 3  # unsorted input
    assert percentile([1, 2], 0) == 1
    with pytest.raises(ValueError):
        percentile([], 50)


BENCH = "# Benchmarks\n\nintro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Later\n\nmore\n"


def test_a_section_is_replaced_in_place_and_the_rest_kept():
    text = replace_section(BENCH, LOAD_TEST, f"{LOAD_TEST}\n\nfirst\n")
    assert text.endswith(f"more\n\n{LOAD_TEST}\n\nfirst\n")  # appended when absent
    again = replace_section(text, LOAD_TEST, f"{LOAD_TEST}\n\nsecond\n")
    assert again == text.replace("first", "second")
    before, section, after = split_section(again.replace("## Later", "## Load test\n\nx\n\n## Later", 1), LOAD_TEST)
    assert section == f"{LOAD_TEST}\n\nx\n\n" and after.startswith("## Later")  # ends at the next ## heading
    assert split_section(BENCH, LOAD_TEST) == (BENCH, "", "")
    assert replace_section("", LOAD_TEST, LOAD_TEST) == f"{LOAD_TEST}\n"


def test_the_benchmarks_keep_the_load_test_and_fuzzing_sections(tmp_path, monkeypatch):
    from tools.bench import run
    results = tmp_path / "BENCHMARKS.md"
    monkeypatch.setattr(run, "RESULTS", results)
    results.write_text(f"# Benchmarks\n\nthe previous run\n\n{LOAD_TEST}\n\n| push | 1 |\n\n{API_FUZZING}\n\n0 errors\n",
                       encoding="utf-8")
    run.write_results([], "reused")
    text = results.read_text(encoding="utf-8")
    assert "the previous run" not in text and text.endswith(f"{LOAD_TEST}\n\n| push | 1 |\n\n{API_FUZZING}\n\n0 errors\n")
    write_section(results, API_FUZZING, f"{API_FUZZING}\n\n1 error\n")
    assert results.read_text(encoding="utf-8") == text.replace("0 errors", "1 error")


def test_the_summary_counts_measured_and_warm_up_requests_apart():
    samples = [Sample("login", 0.0, 0.2), Sample("pull_first", 0.5, 0.1)]
    samples += [Sample("push", 10.0 + i, 0.01 * (i + 1)) for i in range(100)]
    samples += [Sample("push", 50.0, 5.0, "timeout"), Sample("figures", 12.0, 0.4, "HTTP 500")]
    summary = summarise(samples, start=10.0, end=110.0)
    rows = {(r["kind"], r["warm_up"]): r for r in summary["rows"]}
    push = rows["push", False]
    assert push["count"] == 101 and push["rate"] == pytest.approx(1.01) and push["p50"] == pytest.approx(0.51)
    assert push["errors"] == {"timeout": 1} and push["target"] and not rows["figures", False]["target"]
    assert rows["login", True]["rate"] is None and summary["errors"] == 2
    assert [r["kind"] for r in summary["rows"]] == ["push", "figures", "login", "pull_first"]
    lines = table_lines(summary, markdown=True)
    assert lines[0].startswith("| push | 101 | 1.0 | 510 ms |") and "timeout ×1" in lines[0]
    assert lines[2] == "| *warm-up* | | | | | | | | |"
