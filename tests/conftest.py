"""Shared test set-up: headless plotting and no progress bars in captured output."""

import os

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
