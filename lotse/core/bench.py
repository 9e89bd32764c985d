"""Benchmark frame for ``make bench``: each benchmark returns a dict of figures for the JSON line.

Benchmarks are registered here; later areas add theirs (search, reports, load).
"""

import statistics
import time
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

BENCHMARKS: dict[str, Callable[[str], dict]] = {}


def benchmark(name: str):
    def register(function):
        BENCHMARKS[name] = function
        return function

    return register


def percentile(samples_ms: list[float], q: float) -> float:
    ordered = sorted(samples_ms)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 3)


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


@benchmark("audit")
def audit_write(scale: str) -> dict:
    """Cost of one audited read: every detail page and search pays it."""
    from lotse.audit.services import audit_security

    repeat = 2000 if scale != "small" else 500
    samples = timed(lambda: audit_security(actor=None, action="bench.audit", actor_label="bench"), repeat)
    return {"audit_write_p50_ms": round(statistics.median(samples), 3),
            "audit_write_p95_ms": percentile(samples, 0.95)}


def discover() -> None:
    """Import ``bench`` modules of all Lotse apps so that their benchmarks register."""
    for config in apps.get_app_configs():
        if config.name.startswith("lotse.") and find_spec(f"{config.name}.bench"):
            import_module(f"{config.name}.bench")
    import_module("lotse.core.loadtest.run")
