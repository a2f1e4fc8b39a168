"""How many BLAS threads the model's array code may use while it computes.

The monthly step's matrix products are small (schools x initiatives), yet OpenBLAS starts a
thread pool for them; on a busy machine, or in each of a sweep's workers, those threads
fight each other and every other process, and a run takes several times as long. So the
model computes on one BLAS thread unless told otherwise: ``DISTRICT_SIM_THREADS`` in the
environment, or a ``threads`` argument (which wins). The limit is threadpoolctl's and holds
only while the model computes, so a user's own numpy code keeps its threads; setting
``OPENBLAS_NUM_THREADS`` after numpy is imported would do nothing.

One thread also makes results bit-identical whatever the machine: with more, BLAS may split
a long sum between threads, and a large district's figures differ in the last bits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

from .settings import SettingsError

#: The environment variable that sets the default.
ENV = "DISTRICT_SIM_THREADS"
DEFAULT = 1
MAX = 256

_controller: ThreadpoolController | None = None
#: The limit in force from an enclosing ``computing`` block (None outside any).
_held: int | None = None


def blas_threads(threads: int | None = None) -> int:
    """The BLAS threads to use: ``threads`` if given, else ``$DISTRICT_SIM_THREADS``, else 1.
    SettingsError (a ValueError) naming the argument or the variable for anything but a whole
    number 1-256."""
    if threads is not None:
        return _checked(threads, "threads")
    raw = os.environ.get(ENV)
    if raw is None or raw.strip() == "":
        return DEFAULT
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{ENV} must be a whole number between 1 and {MAX}, got {raw!r}") from None
    return _checked(value, ENV)


def _checked(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX:
        raise SettingsError(f"{name} must be a whole number between 1 and {MAX}, got {value!r}")
    return int(value)


@contextmanager
def computing(threads: int) -> Iterator[None]:
    """Hold BLAS to ``threads`` threads inside the block (about 20 microseconds to enter, so
    a block inside one holding the same limit, a month inside a ``run_for``, enters nothing)."""
    global _controller, _held
    if _held == threads:
        yield
        return
    if _controller is None:
        _controller = ThreadpoolController()
    outer, _held = _held, threads
    try:
        with _controller.limit(limits=threads, user_api="blas"):
            yield
    finally:
        _held = outer
