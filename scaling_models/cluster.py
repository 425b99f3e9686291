"""Independent tasks on Dask: the engine's chunks, sensitivity runs and report jobs.

Nothing is modelled here. :func:`run_tasks` runs one function over a list of argument
tuples and returns the results in input order, wherever the ``scheduler`` says:

* ``"threads"`` or ``"processes"``: Dask's local schedulers (``dask.compute``);
* a ``dask.distributed.Client``: that cluster;
* an address such as ``"tcp://10.0.0.5:8786"``: a client connected for the call (within
  :data:`CONNECT_TIMEOUT` seconds) and closed after it.

Dask is an optional dependency (``pip install scaling_models[dask]``), imported only here
and only when a scheduler is given: the embedded default (``scheduler=None`` everywhere)
never imports it.

The results do not depend on where tasks ran: every task is a pure function of its
arguments (the engine's chunks carry their own spawned random streams), and results are
returned in the order of ``items``, not of completion. Each call's task keys carry a
fresh token, so concurrent calls on one cluster never share a result.

Failures come back as one clear exception: :class:`SchedulerUnreachableError` (the
address did not answer, or no worker joined), :class:`WorkerEnvironmentError` (a worker
cannot import this package or runs another version: :func:`check_workers` asks them
before any task is sent) and :class:`WorkerLostError` (workers kept dying on a task). A worker dying
mid-run is survived: the scheduler re-runs its tasks elsewhere (up to
``distributed.scheduler.allowed-failures`` deaths per task), and a task that raises is
retried ``retries`` times.

References
----------
.. [1] M. Rocklin, "Dask: Parallel computation with blocked algorithms and task
   scheduling," Proc. 14th Python in Science Conf. (SciPy 2015), pp. 126-132.
   doi:10.25080/Majora-7b98e3ed-013
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = [
    "LOCAL_SCHEDULERS",
    "CONNECT_TIMEOUT",
    "RETRIES",
    "SchedulerUnreachableError",
    "WorkerEnvironmentError",
    "WorkerLostError",
    "check_scheduler",
    "connect",
    "check_workers",
    "run_tasks",
]

#: Dask's local schedulers accepted by name.
LOCAL_SCHEDULERS: tuple[str, ...] = ("threads", "processes")
#: Seconds to wait for a scheduler address to answer. [s]
CONNECT_TIMEOUT: float = 5.0
#: Times a task that raised is re-run before its error is returned.
RETRIES: int = 2
_PACKAGE = "scaling_models"


class SchedulerUnreachableError(ConnectionError):
    """The scheduler address did not answer within the connect timeout."""


class WorkerEnvironmentError(RuntimeError):
    """A worker cannot import this package (or one of its dependencies)."""


class WorkerLostError(RuntimeError):
    """Workers died running a task more often than the scheduler allows."""


def check_scheduler(scheduler: Any) -> Any:
    """Return ``scheduler`` if it is one :func:`run_tasks` accepts.

    Raises
    ------
    ValueError
        A string that is neither a local scheduler name nor an address ``scheme://...``.
    TypeError
        Anything else that is not a ``dask.distributed.Client``.
    """
    if scheduler is None:
        return None
    if isinstance(scheduler, str):
        if scheduler in LOCAL_SCHEDULERS or "://" in scheduler:
            return scheduler
        raise ValueError(f"scheduler must be one of {LOCAL_SCHEDULERS}, an address such as "
                         f"'tcp://host:8786', or a dask.distributed.Client; got {scheduler!r}")
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler
    raise TypeError(f"scheduler must be None, a name in {LOCAL_SCHEDULERS}, an address or a "
                    f"dask.distributed.Client; got {type(scheduler).__name__}")


@contextlib.contextmanager
def connect(scheduler: Any, *, timeout: float | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for ``scheduler`` (a Client or an address).

    A given Client is yielded as is (and left open); an address is connected within
    ``timeout`` seconds (default :data:`CONNECT_TIMEOUT`) and the client closed on exit.

    Raises
    ------
    SchedulerUnreachableError
        The address did not answer in time; the message names it.
    """
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
        return
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachableError(
            f"no Dask scheduler answered at {scheduler} within {timeout:g} s ("
            f"{type(exc).__name__}); start one with `dask scheduler` and its workers with "
            f"`dask worker {scheduler}`, or check the address") from None
    try:
        yield client
    finally:
        client.close()


def _explain(exc: BaseException, where: str) -> BaseException:
    """The clear exception for a task's failure (the original when nothing is clearer)."""
    if isinstance(exc, ImportError):
        name = getattr(exc, "name", None) or str(exc)
        return WorkerEnvironmentError(
            f"a worker of {where} cannot import {name!r} ({exc}): install scaling_models on "
            f"the workers, the same version and dependencies as here "
            f"(pip install 'scaling_models[dask]')")
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return WorkerLostError(
            f"workers of {where} died running {exc.task!r} (the scheduler stopped after "
            f"{exc.allowed_failures} deaths): the task may need more memory than a worker has")
    return exc


def run_tasks(
    func: Callable[..., Any],
    items: Sequence[tuple],
    *,
    scheduler: Any,
    retries: int = RETRIES,
    name: str = "task",
    on_done: Callable[[int], None] | None = None,
    errors: str = "raise",
) -> list[Any]:
    """``[func(*args) for args in items]`` as Dask tasks, in the order of ``items``.

    Parameters
    ----------
    func : callable
        A module-level function (pickled by reference: the workers import it).
    items : sequence of tuple
        Positional arguments of each task.
    scheduler : str or Client
        ``"threads"``, ``"processes"``, an address ``"tcp://host:port"`` or a Client.
    retries : int
        Re-runs of a task that raised (a dead worker's tasks are re-run regardless).
    name : str
        Prefix of the task keys (shown on the Dask dashboard).
    on_done : callable, optional
        Called with a task's index as it finishes, in the caller's thread (progress).
    errors : {"raise", "return"}
        On a failed task, raise its (explained) exception, or return it in its slot.

    Raises
    ------
    SchedulerUnreachableError, WorkerEnvironmentError, WorkerLostError
        See the module docstring; or the task's own exception.
    """
    check_scheduler(scheduler)
    if errors not in ("raise", "return"):
        raise ValueError(f"errors must be 'raise' or 'return'; got {errors!r}")
    token = uuid.uuid4().hex[:12]
    keys = [f"{name}-{token}-{i}" for i in range(len(items))]
    if isinstance(scheduler, str) and scheduler in LOCAL_SCHEDULERS:
        return _run_local(func, items, keys, scheduler, on_done, errors)
    with connect(scheduler) as client:
        return _run_distributed(client, func, items, keys, retries, on_done, errors)


def _run_local(func, items, keys, scheduler, on_done, errors) -> list[Any]:
    import dask
    from dask.callbacks import Callback

    index = {key: i for i, key in enumerate(keys)}
    tasks = [dask.delayed(_guarded if errors == "return" else func, pure=False)(
        *((func, *args) if errors == "return" else args), dask_key_name=key)
        for key, args in zip(keys, items, strict=True)]

    def posttask(key, result, dsk, state, worker_id):
        if on_done is not None and key in index:
            on_done(index[key])

    with Callback(posttask=posttask):
        try:
            results = list(dask.compute(*tasks, scheduler=scheduler))
        except Exception as exc:
            raise _explain(exc, f"the {scheduler!r} scheduler") from exc
    if errors == "return":
        results = [_Failure.unwrap(r, f"the {scheduler!r} scheduler") for r in results]
    return results


class _Failure:
    """A task's exception carried back as a value (``errors="return"`` locally)."""

    def __init__(self, exc: BaseException):
        self.exc = exc

    @staticmethod
    def unwrap(value: Any, where: str) -> Any:
        return _explain(value.exc, where) if isinstance(value, _Failure) else value


def _guarded(func, *args):
    try:
        return func(*args)
    except Exception as exc:
        return _Failure(exc)


def check_workers(client: Any, *, timeout: float | None = None) -> dict[str, str]:
    """Each worker's version of this package; raise if a worker has none or another.

    A worker that cannot import the package would not fail its tasks cleanly: it dies
    unpickling them, its nanny restarts it and the scheduler retries elsewhere, until
    ``KilledWorker``. So the workers are asked first, with a standard-library function
    (``pkgutil.resolve_name``) that needs nothing of ours to unpickle.

    Raises
    ------
    SchedulerUnreachableError
        No worker joined within ``timeout`` seconds.
    WorkerEnvironmentError
        A worker cannot import scaling_models, or runs another version.
    """
    import pkgutil

    from scaling_models import __version__

    where = f"the cluster at {client.scheduler.address}"
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise SchedulerUnreachableError(
            f"{where} has no worker after {timeout:g} s; start some with "
            f"`dask worker {client.scheduler.address}`") from None
    found = client.run(pkgutil.resolve_name, f"{_PACKAGE}:__version__", on_error="return")
    for worker, version in sorted(found.items()):
        if isinstance(version, BaseException):
            raise WorkerEnvironmentError(
                f"worker {worker} of {where} cannot import {_PACKAGE} ({version}): install "
                f"scaling_models on the workers, the same version and dependencies as here "
                f"({__version__}; pip install 'scaling_models[dask]')")
        if version != __version__:
            raise WorkerEnvironmentError(
                f"worker {worker} of {where} runs {_PACKAGE} {version}, here {__version__}: "
                f"install scaling_models {__version__} on the workers")
    return found


def _run_distributed(client, func, items, keys, retries, on_done, errors) -> list[Any]:
    from distributed import as_completed

    where = f"the cluster at {client.scheduler.address}"
    check_workers(client)
    if not items:
        return []
    # one map call: the whole batch goes to the scheduler in one message
    futures = client.map(func, *(list(column) for column in zip(*items, strict=True)),
                         key=keys, retries=retries, pure=False)
    position = {f.key: i for i, f in enumerate(futures)}
    try:
        for future in as_completed(futures, loop=client.loop):
            if future.status == "error" and errors == "raise":
                raise _explain(future.exception(), where)
            if on_done is not None:
                on_done(position[future.key])
        if errors == "raise":
            return client.gather(futures)
        return [_explain(f.exception(), where) if f.status == "error" else f.result()
                for f in futures]
    finally:
        # a failed or interrupted run stops its other tasks instead of leaving them queued
        client.cancel([f for f in futures if not f.done()])
