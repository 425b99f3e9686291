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
from collections.abc import Iterator, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["MIME_TYPE", "record", "read_records", "mime_outputs", "to_jsonable"]

MIME_TYPE = "application/x.scaling-models+json"
"""MIME type of a recorded value; its payload is ``{"name": ..., "value": ...}``."""


def to_jsonable(value: Any, significant: int | None = None) -> Any:
    """Convert numpy scalars/arrays, tuples and mappings to plain JSON types.

    NaN and infinities become ``None`` (JSON has no NaN, and ``summary.json`` must open
    in any tool). The package's one JSON sanitiser: :func:`record` and
    :func:`scaling_models.report.summary` both use it.

    Parameters
    ----------
    value : JSON-like
        Number, string, bool, None, list, tuple or dict, numpy scalars and arrays, pandas
        Series and Index, nested.
    significant : int, optional
        Round every float to this many significant digits (readable files, quiet diffs);
        ``None`` keeps full precision.

    Raises
    ------
    TypeError
        If ``value`` (or an element) has no JSON form.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.float32(0.5), "b": np.arange(2), "c": float("nan")})
    {'a': 0.5, 'b': [0, 1], 'c': None}
    >>> to_jsonable([2 / 3], significant=3)
    [0.667]
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "tolist") and not isinstance(value, (numbers.Number,)):
        # numpy arrays and pandas Series/Index
        return to_jsonable(value.tolist(), significant)
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()  # numpy scalar
        if isinstance(value, (bool, str)):
            return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        out = float(value)
        if not math.isfinite(out):
            return None
        return out if significant is None else float(f"{out:.{significant}g}")
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, significant) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, significant) for v in value]
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


def mime_outputs(notebook: str | PathLike[str] | Mapping, mime_type: str) -> Iterator[Any]:
    """Yield, in cell order, every output payload of ``mime_type`` in a notebook.

    The one reader of values a notebook displayed under a custom MIME type
    (:func:`record`, :class:`scaling_models.whatif.Headlines`).

    Parameters
    ----------
    notebook : path or mapping
        An ``.ipynb`` file (nbformat 4 JSON) or a notebook already read (a dict or an
        :mod:`nbformat` node).
    mime_type : str
        The MIME type to collect.
    """
    if not isinstance(notebook, Mapping):
        # plain JSON: nbformat takes ~1.4 s to import and is not needed to read outputs
        notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
    for cell in notebook.get("cells", ()):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", ()):
            payload = output.get("data", {}).get(mime_type)
            if payload is None:
                continue
            if isinstance(payload, str):  # some writers store JSON as text
                payload = json.loads(payload)
            yield payload


def read_records(notebook_path: str | PathLike[str]) -> dict[str, Any]:
    """Return ``{name: value}`` of every :func:`record` call in an executed notebook.

    A name recorded twice keeps its last value (cells run top to bottom).
    """
    return {p["name"]: p["value"] for p in mime_outputs(notebook_path, MIME_TYPE)}
