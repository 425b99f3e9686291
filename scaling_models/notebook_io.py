"""Record values in an executed notebook and read them back (a small scrapbook).

A notebook calls :func:`record` for each headline figure; the value is displayed as a
custom MIME type, so it travels inside the executed ``.ipynb`` next to the cell that
computed it and is invisible in HTML exports. The batch driver then calls
:func:`read_records` to build ``summary.json`` without re-running anything. scrapbook did
the same but has had no release since 2021 and pulls pyarrow.
"""

from __future__ import annotations

import json
import math
import numbers
from os import PathLike
from typing import Any

__all__ = ["MIME_TYPE", "record", "read_records", "to_jsonable"]

MIME_TYPE = "application/x.scaling-models+json"
"""MIME type of a recorded value; its payload is ``{"name": ..., "value": ...}``."""


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and mappings to plain JSON types.

    NaN and infinities become ``None`` (JSON has no NaN, and ``summary.json`` must open
    in any tool).

    Raises
    ------
    TypeError
        If ``value`` (or an element) has no JSON form.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "tolist") and not isinstance(value, (numbers.Number,)):
        # numpy arrays and pandas Series/Index
        return to_jsonable(value.tolist())
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()  # numpy scalar
        if isinstance(value, (bool, str)):
            return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        out = float(value)
        return out if math.isfinite(out) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    raise TypeError(
        f"recorded value must be a number, string, bool, None, list or dict; "
        f"got {type(value).__name__} {value!r}"
    )


def record(name: str, value: Any) -> None:
    """Display ``value`` under ``name`` in the running notebook's outputs.

    Parameters
    ----------
    name : str
        Key under which :func:`read_records` returns the value.
    value : JSON-like
        Number, string, bool, None, list or dict (numpy scalars and arrays accepted).
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"record name must be a non-empty string; got {name!r}")
    from IPython.display import display

    payload = {"name": name, "value": to_jsonable(value)}
    # a text/plain fallback would show in the HTML report; raw=True sends only our type
    display({MIME_TYPE: payload}, raw=True)


def read_records(notebook_path: str | PathLike[str]) -> dict[str, Any]:
    """Return ``{name: value}`` of every :func:`record` call in an executed notebook.

    A name recorded twice keeps its last value (cells run top to bottom).
    """
    import nbformat  # ~1.4 s to import: only when reading

    nb = nbformat.read(str(notebook_path), as_version=4)
    found: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME_TYPE in data:
                payload = data[MIME_TYPE]
                if isinstance(payload, str):  # some writers store JSON as text
                    payload = json.loads(payload)
                found[payload["name"]] = payload["value"]
    return found
