"""The package works outside the repository: built as a wheel, installed, run elsewhere.

``pip install`` of the project (a wheel, not editable) into a fresh virtual environment,
then ``python -m scaling_models report`` from a folder outside the repository: the
default data and the board notebook must come from the installed package
(``importlib.resources``), never from a checkout. The fresh environment borrows the
dependencies of the running one through a ``.pth`` line (its editable install of this
package is not activated that way: only ``.pth`` files of a site directory run).
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from scaling_models import loaders

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **kwargs):
    out = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{args}\nstdout:\n{out.stdout}\nstderr:\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel ``pip install .`` builds (build isolation: setuptools from the index)."""
    base = tmp_path_factory.mktemp("build")
    # a copy of what the build reads, so that the build leaves nothing in the checkout;
    # links kept as links, as in a clone
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "scaling_models", source / "scaling_models", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", source / "data")
    (source / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "board_report.ipynb", source / "notebooks")
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
          str(source)])
    (found,) = dist.glob("scaling_models-*.whl")
    return found


def test_wheel_carries_the_defaults_and_the_board_notebook(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (*loaders.DATA_FILES, "board_report.ipynb"):
        assert f"scaling_models/_defaults/{name}" in names, name
    # real files, identical to the repository's copies (not links)
    with zipfile.ZipFile(wheel) as zf:
        packaged = zf.read("scaling_models/_defaults/thresholds.csv")
    assert packaged == (ROOT / "data" / "thresholds.csv").read_bytes()


def test_installed_wheel_runs_the_report_from_another_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    _run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], env=env)
    # dependencies from the running environment, after the install so pip sees none of it
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                env=env).stdout.strip()
    Path(site, "shared_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    # the borrowed packages' data files (nbconvert's templates, the kernel spec) live under
    # the running environment's prefix; a full install would have put them in the new one
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(python), "-c", "import scaling_models, scaling_models.loaders as l; "
                  "print(scaling_models.__file__); print(l.DATA_DIR)"],
                 env=env, cwd=work).stdout.split()
    assert all(Path(p).is_relative_to(env_dir) for p in where), where

    params = work / "small.yaml"
    params.write_text("n_paths: 500\n")
    _run([str(python), "-m", "scaling_models", "report", "--quarter", "2024-Q2", "--no-pdf",
          "--params", str(params), "--out", "reports"], env=env, cwd=work, timeout=900)
    summary = json.loads((work / "reports" / "2024-Q2" / "summary.json").read_text())
    assert summary["quarter"] == "2024-Q2" and summary["month"] == "2024-06"
    assert summary["parameters"]["n_paths"] == 500
    assert (work / "reports" / "2024-Q2" / "report.html").is_file()
