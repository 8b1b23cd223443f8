"""PNG charts for the benchmark report, drawn with matplotlib's file-only backend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: write files only

import matplotlib.pyplot as plt  # after use(): the backend must be chosen first
from matplotlib.figure import Figure

PLOT_DIR = Path(__file__).resolve().parent / "plots"


def latency_distribution(name: str, samples_ms: Mapping[str, Sequence[float]], title: str) -> Path:
    """Cumulative distribution of each series' latencies: how many answers came within x ms."""
    figure, axes = plt.subplots(figsize=(7, 4))
    for label, samples in samples_ms.items():
        ordered = sorted(samples)
        if not ordered:
            continue
        fractions = [(index + 1) / len(ordered) for index in range(len(ordered))]
        axes.step(ordered, fractions, where="post", label=f"{label} (n={len(ordered):,})")
    axes.set_xscale("log")
    axes.set_xlabel("latency, ms (log scale)")
    axes.set_ylabel("share of requests answered")
    axes.set_ylim(0, 1.01)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    axes.set_title(title)
    return _save(figure, name)


def lines(
    name: str,
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    log_x: bool = False,
) -> Path:
    """One line per series over the same x values (catalog size, concurrency...)."""
    figure, axes = plt.subplots(figsize=(7, 4))
    for label, values in series.items():
        axes.plot(x, values, marker="o", label=label)
    if log_x:
        axes.set_xscale("log")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    axes.set_title(title)
    return _save(figure, name)


def _save(figure: Figure, name: str) -> Path:
    PLOT_DIR.mkdir(exist_ok=True)
    path = PLOT_DIR / f"{name}.png"
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
