"""The wheel carries everything a fresh install needs: the seed article and the detector data.

``pip install .`` (not editable) once produced a ``saywho`` that opened an empty project: the
seed article sat outside every package. pyproject.toml now ships the top-level ``seeds/`` folder
as the package ``annotations.seeds`` and lists the packages by hand, so this test builds a real
wheel (offline: no build isolation, no index) and looks inside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

SOURCES = ("pyproject.toml", "README.md", "annotations", "tui", "seeds")


def _setuptools_ok() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """A wheel built from a copy of the sources (building in the checkout would leave build/)."""
    if not _setuptools_ok():
        pytest.skip("building needs setuptools>=77 (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    out = tmp / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (built,) = out.glob("saywho-*.whl")
    archive = zipfile.ZipFile(built)
    yield archive
    archive.close()


def test_wheel_carries_the_seed_article(wheel: zipfile.ZipFile) -> None:
    seeds = sorted(p.name for p in (REPO / "seeds").iterdir() if p.suffix == ".txt")
    assert "ice-sanctuary-cities.txt" in seeds
    for name in seeds:
        shipped = wheel.read(f"annotations/seeds/{name}")
        assert shipped == (REPO / "seeds" / name).read_bytes()
    assert "annotations/seeds/__init__.py" in wheel.namelist()
    assert not any(n.startswith(("seeds/", "tests/", "bench/")) for n in wheel.namelist())


def test_wheel_carries_the_detector_data_and_styles(wheel: zipfile.ZipFile) -> None:
    data = sorted((REPO / "annotations" / "detect" / "data").iterdir())
    assert data, "the detector ships its word lists"
    names = set(wheel.namelist())
    for path in data:
        if path.is_file():
            assert f"annotations/detect/data/{path.name}" in names
    assert "tui/app.tcss" in names


def test_wheel_lists_every_package(wheel: zipfile.ZipFile) -> None:
    """pyproject.toml names the packages: a new folder of modules must be added there."""
    names = set(wheel.namelist())
    for top in ("annotations", "tui"):
        for module in (REPO / top).rglob("*.py"):
            if "__pycache__" in module.parts:
                continue
            rel = module.relative_to(REPO).as_posix()
            assert rel in names, f"{rel} is not in the wheel: add its package to pyproject.toml"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "saywho = tui.cli:main" in wheel.read(entry_points).decode()


def test_a_new_project_is_seeded_from_the_package(tmp_path: Path) -> None:
    from annotations.model import Layer
    from annotations.session import Session
    from tui.commands._common import seed_if_empty

    with Session.open(tmp_path / "proj", "ann", detect=lambda text: Layer("suggestions")) as s:
        assert seed_if_empty(s) == 1
        (info,) = s.documents()
        assert info.id == "ice-sanctuary-cities"
        assert "sanctuary" in info.title
        assert seed_if_empty(s) == 0  # not empty any more
