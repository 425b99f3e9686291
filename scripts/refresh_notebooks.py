"""Re-execute the analyst notebooks with their default parameters and store the outputs.

Usage (from the repository root)::

    python scripts/refresh_notebooks.py                 # every notebooks/0*_*.ipynb
    python scripts/refresh_notebooks.py 01_capacity_forecast.ipynb

Each notebook runs under papermill with its own defaults (default seed, default sample
size) in the ``python3`` kernel, then is cleaned so that only meaningful changes show in
a diff and nbval compares stable text:

* widget state (``metadata.widgets``) and the live-widget MIME entry of each output are
  removed; the what-if panels keep their static rendering of the default values;
* papermill's and nbclient's timing metadata (``papermill``, ``execution``) is removed;
* cell ids are kept, execution counts renumbered 1..n in order.

``python -m pytest`` then collects ``notebooks/`` with ``--nbval-lax --nbval-current-env``
(see ``pyproject.toml``): the cells marked ``# NBVAL_CHECK_OUTPUT`` (headline numbers,
rounded) must reproduce these outputs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")
VOLATILE_NB_KEYS = ("papermill", "widgets")


def clean(nb) -> None:
    """Strip widget state, widget views and volatile metadata from an executed notebook."""
    for key in VOLATILE_NB_KEYS:
        nb.metadata.pop(key, None)
    count = 0
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None:
                data.pop(WIDGET_VIEW, None)
                if not data:
                    continue
            if "execution_count" in output:
                output["execution_count"] = count
            kept.append(output)
        cell.outputs = kept


def refresh(path: Path) -> None:
    """Execute ``path`` in place with its defaults and clean it."""
    import nbformat
    import papermill

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        papermill.execute_notebook(
            str(path), str(out), kernel_name="python3", cwd=str(path.parent),
            progress_bar=False,
        )
        nb = nbformat.read(str(out), as_version=4)
    clean(nb)
    nbformat.validate(nb)
    nbformat.write(nb, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*",
                        help="notebook file names in notebooks/ (default: every 0*_*.ipynb)")
    args = parser.parse_args(argv)
    paths = ([NOTEBOOKS / name for name in args.names] if args.names
             else sorted(NOTEBOOKS.glob("0*_*.ipynb")))
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    os.environ.setdefault("TQDM_DISABLE", "1")
    for path in paths:
        print(f"executing {path.name} ...", flush=True)
        refresh(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
