"""`ww batch --dask`: every cohort one task on a Dask distributed cluster.

Dask is imported only here and only when `--dask` is given, so `ww` starts as fast without it.
The runner submits the same function as to its process pool (`runner.run_one`), and the
workers run one task per process at a time: papermill changes the working directory of the
process it runs in.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from wwlib.core.errors import WorkbookError

CONNECT_TIMEOUT = 5  # seconds to wait for a scheduler that should already be running
RETRIES = 2  # a cohort runs at most three times: once, then on another worker twice
LOCAL = re.compile(r"local:(\d+)")
LOCAL_CONFIG = {
    "distributed.scheduler.allowed-failures": RETRIES,  # deaths a task survives
    # a cohort to a worker only when it is free, as a process pool does: with the default
    # 1.1 a worker holds a second cohort while the other worker may run out of work
    "distributed.scheduler.worker-saturation": 1.0,
    # no statistical profiler sampling the cohort's thread every 10 ms. With both defaults a
    # batch of 4 cohorts took 0-38 % longer than --jobs 2 (one probe on a busy machine), with
    # these two as long (benchmarks/bench_batch.py)
    "distributed.worker.profile.enabled": False,
}


@contextmanager
def submitted(address: str, function: Callable, tasks: dict[str, tuple]) -> Iterator[tuple]:
    """`function(task)` for every task ({folder: argument}) submitted to the cluster at
    `address` (`local:N` or a scheduler's `tcp://host:port`): yields the futures ({future:
    folder}) and an iterator over them as they complete.

    A task whose worker died is run again on another worker (the scheduler's allowed-failures,
    2 on a local cluster); one that raised is retried twice. After that its exception is the
    cohort's failure (`explain` says it in words) and the others go on.
    """
    from distributed import as_completed

    with dask_client(address) as client:
        futures = {
            client.submit(
                function, task, pure=False, retries=RETRIES, key=_task_key(folder)
            ): folder
            for folder, task in tasks.items()
        }
        yield futures, as_completed(futures)


@contextmanager
def dask_client(address: str, timeout: float = CONNECT_TIMEOUT) -> Iterator:
    """A `distributed.Client` of the cluster `address` names; a local cluster it starts is
    shut down again on leaving. An address that answers nothing is a `WorkbookError`."""
    import dask
    from distributed import Client, LocalCluster

    local = LOCAL.fullmatch(address.strip())
    if local:
        workers = int(local.group(1))
        if workers < 1:
            raise WorkbookError(f"--dask {address}: a local cluster needs at least one worker")
        # the scheduler runs in this process and the nannies hand its config to the workers
        with (
            dask.config.set(LOCAL_CONFIG),
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if address.startswith("local"):
        raise WorkbookError(f"--dask {address}: say how many worker processes, e.g. --dask local:2")
    with _connected(address, timeout) as client:
        yield client


@contextmanager
def _connected(address: str, timeout: float) -> Iterator:
    """A client of the running scheduler at `address`, or a clear error within `timeout`."""
    from distributed import Client

    try:
        client = Client(address, timeout=timeout)
    except (ValueError, TypeError) as exc:
        raise WorkbookError(
            f"--dask {address}: not a scheduler address ({exc}); pass one such as "
            "tcp://host:8786, or local:N for N worker processes here"
        ) from None
    except OSError as exc:
        raise WorkbookError(
            f"--dask {address}: no Dask scheduler answered there within {timeout:g} s ({exc}); "
            "start one (`dask scheduler`, or a cluster as in the README's 'Batch on a "
            "cluster') and pass its address, e.g. --dask tcp://host:8786, or run here with "
            "--dask local:2"
        ) from None
    with client:
        yield client


def _task_key(folder: str) -> str:
    """A task's name on the scheduler's dashboard and in its logs: the cohort folder's."""
    return f"ww-batch-{Path(folder).name}-{uuid.uuid4().hex[:8]}"


def explain(error: BaseException) -> str:
    """What a task's exception means for its cohort, after its retries."""
    from distributed import KilledWorker  # imported already: the error came through it

    if isinstance(error, KilledWorker):
        return (
            f"its worker died each of the {RETRIES + 1} times it ran (out of memory, or "
            f"killed); see the Dask workers' logs ({error})"
        )
    return f"{type(error).__name__} after {RETRIES + 1} tries: {error}"
