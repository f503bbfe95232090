"""Run directories and atomic writes."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest

from zopa.report.run_dir import (
    MARKER,
    atomic_write,
    atomic_write_bytes,
    atomic_write_text,
    default_run_name,
    new_run_dir,
    sha256_file,
)


def test_default_name_is_timestamped(tmp_path):
    run = new_run_dir(tmp_path, None, force=False)
    assert re.fullmatch(r"zopa-run-\d{8}-\d{6}", run.name)
    assert run.is_dir() and run.parent == tmp_path
    assert default_run_name(dt.datetime(2025, 11, 28, 18, 30, 0)) == "zopa-run-20251128-183000"


def test_runs_in_the_same_second_get_a_suffix(tmp_path, monkeypatch):
    import zopa.report.run_dir as run_dir

    monkeypatch.setattr(run_dir, "default_run_name", lambda now=None: "zopa-run-20251128-183000")
    names = [new_run_dir(tmp_path, None, force=False).name for _ in range(3)]
    assert names == ["zopa-run-20251128-183000", "zopa-run-20251128-183000-2", "zopa-run-20251128-183000-3"]


def test_existing_directory_is_refused_without_force(tmp_path):
    run = new_run_dir(tmp_path, "run", force=False)
    (run / "report.html").write_text("old")
    with pytest.raises(FileExistsError, match=r"exists; pass --force to overwrite or choose -o DIR"):
        new_run_dir(tmp_path, "run", force=False)
    assert (run / "report.html").read_text() == "old"


def test_force_replaces_a_run_directory(tmp_path):
    run = new_run_dir(tmp_path, "run", force=False)
    (run / "report.html").write_text("old")
    (run / "figures").mkdir()
    (run / "figures" / "a.svg").write_text("<svg/>")
    replaced = new_run_dir(tmp_path, "run", force=True)
    assert replaced == run
    assert sorted(p.name for p in replaced.iterdir()) == [MARKER]


def test_force_never_deletes_an_unrelated_directory(tmp_path):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(FileExistsError, match="not a zopa run directory"):
        new_run_dir(tmp_path, "home", force=True)
    assert (precious / "thesis.tex").read_text() == "years of work"
    (tmp_path / "empty").mkdir()
    assert new_run_dir(tmp_path, "empty", force=True).is_dir()  # an empty directory may be reused


def test_force_refuses_to_replace_a_file(tmp_path):
    (tmp_path / "out").write_text("not a directory")
    with pytest.raises(FileExistsError, match="not a directory"):
        new_run_dir(tmp_path, "out", force=True)


def test_absolute_name_ignores_parent(tmp_path):
    target = tmp_path / "somewhere" / "run"
    assert new_run_dir(tmp_path / "ignored", str(target), force=False) == target
    assert target.is_dir()


def test_atomic_write_replaces_content(tmp_path):
    path = tmp_path / "a" / "summary.json"
    atomic_write_text(path, "first")
    atomic_write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert os.listdir(path.parent) == ["summary.json"]
    assert sha256_file(path) == "16367aacb67a4a017c8da8ab95682ccb390863780f7114dda0a0e0c55644c7c4"


@pytest.mark.parametrize("existing", [None, b"the previous complete file"])
def test_interrupted_write_leaves_no_partial_file(tmp_path, existing):
    path = tmp_path / "report.html"
    if existing is not None:
        path.write_bytes(existing)

    def writer(handle):
        handle.write(b"<html><body>half a rep")
        handle.flush()
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        atomic_write(path, writer)
    if existing is None:
        assert not path.exists()
    else:
        assert path.read_bytes() == existing
    assert os.listdir(tmp_path) == ([] if existing is None else ["report.html"])  # no temporary left over


def test_keyboard_interrupt_also_cleans_up(tmp_path):
    path = tmp_path / "x.parquet"

    def writer(handle):
        handle.write(b"PAR1")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, writer)
    assert os.listdir(tmp_path) == []
