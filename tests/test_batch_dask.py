"""`ww batch --dask`: a real LocalCluster, real kernels and stores; where stores may live.

The batch tests run the phase notebooks cut to their parameters cell (WW_NOTEBOOKS): the
executor is under test here, the notebooks' cells are test_runner's. The reports are the real
ones.
"""

import re
import shutil
import threading
import time
from pathlib import Path

import psutil
import pytest
import yaml
from shared_runs import short_notebooks

from wwlib.app.cli import main
from wwlib.cohorts.home import (
    NETWORK_FILE_SYSTEMS,
    file_system_type,
    mount_table,
    parse_mountinfo,
    refuse_network_store,
)
from wwlib.core.errors import StoreError

MINI = Path(__file__).parent / "fixtures" / "mini"

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
40 27 0:40 / /home rw,relatime shared:5 - nfs4 fileserver:/export/home rw,vers=4.2
41 40 254:1 / /home/ana/scratch rw,relatime - ext4 /dev/vdb rw
42 27 0:41 / /mnt/gemeente\040share rw,relatime - cifs //nas/share rw,vers=3.0
43 27 0:42 / /mnt/laptop rw,nosuid,nodev,relatime shared:9 master:2 - fuse.sshfs ana@laptop: rw
44 27 0:43 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw
45 27 0:44 / /mnt/c rw,noatime - 9p drvfs rw,dirsync
"""


@pytest.mark.parametrize(
    "path, fstype",
    [
        ("/", "ext4"),
        ("/var/lib/ww", "ext4"),
        ("/home", "nfs4"),
        ("/home/ana/.local/share/wij-werken/stores", "nfs4"),
        ("/home/ana/scratch/stores", "ext4"),  # a local disk mounted inside the NFS home
        ("/home/anabel", "nfs4"),
        ("/mnt/gemeente share/stores", "cifs"),  # \040 in mountinfo is a space
        ("/mnt/gemeente", "ext4"),
        ("/mnt/laptop/ww", "fuse.sshfs"),
        ("/tmp/x", "tmpfs"),
        ("/mnt/c/Users", "9p"),
    ],
)
def test_the_file_system_of_a_path_is_that_of_its_longest_mount_point(path, fstype):
    assert file_system_type(path, parse_mountinfo(MOUNTINFO)) == fstype


def test_mountinfo_lines_without_a_separator_are_skipped():
    assert parse_mountinfo("garbage\n27 1 254:0 / / rw - ext4 /dev/vda rw\n") == [("/", "ext4")]


@pytest.mark.parametrize("place", ["/home/ana/stores", "/mnt/gemeente share", "/mnt/laptop/x"])
def test_a_store_directory_on_a_network_file_system_is_refused(place):
    with pytest.raises(StoreError) as caught:
        refuse_network_store(place, parse_mountinfo(MOUNTINFO))
    message = str(caught.value)
    assert place in message and "network file system" in message and "--home" in message
    assert not Path(place).exists()  # nothing made


def test_the_local_tmp_dir_passes(tmp_path):
    mounts = mount_table()
    assert file_system_type(tmp_path, mounts) not in ("", *NETWORK_FILE_SYSTEMS)
    refuse_network_store(tmp_path / "not" / "made" / "yet")
    assert not (tmp_path / "not").exists()


def test_dask_and_jobs_together_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["batch", str(MINI), "--out", str(tmp_path), "--jobs", "2", "--dask", "local:2"])
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    "address, says",
    [
        ("tcp://127.0.0.1:1", "no Dask scheduler answered there within 5 s"),
        ("local:0", "at least one worker"),
        ("local", "--dask local:2"),
        ("nowhere", "not a scheduler address"),
    ],
)
def test_a_scheduler_that_is_not_there_is_a_clear_error(tmp_path, capsys, address, says):
    started = time.monotonic()
    code = main(["batch", str(MINI), "--out", str(tmp_path / "out"), "--dask", address])
    assert code == 1 and time.monotonic() - started < 30  # a connect timeout, not a hang
    err = capsys.readouterr().err
    assert err.startswith(f"ww batch: --dask {address}: ") and says in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "mini").exists()  # no cohort ran


@pytest.fixture
def cohorts(tmp_path, monkeypatch):
    """Two cohorts (the mini fixture under two ids), a broken one, and short notebooks."""
    short = short_notebooks(tmp_path / "notebooks")
    monkeypatch.setenv("WW_NOTEBOOKS", str(short))  # Dask's worker processes inherit it
    folders = {}
    for name in ("ooststad", "westerkerk"):
        folders[name] = shutil.copytree(MINI, tmp_path / "data" / name)
        meta = yaml.safe_load((folders[name] / "cohort.yaml").read_text(encoding="utf-8"))
        meta["id"] = name
        (folders[name] / "cohort.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    folders["broken"] = shutil.copytree(MINI, tmp_path / "data" / "broken")
    (folders["broken"] / "people.csv").write_text("id,name\n", encoding="utf-8")
    return folders


def undated(report: Path) -> str:
    return re.sub(r"Gemaakt op [^<]*? om \d\d:\d\d", "", report.read_text(encoding="utf-8"))


class WorkerKiller(threading.Thread):
    """Kills (SIGKILL) a Dask worker process of this test while it runs a notebook's kernel,
    up to `times` times: a worker lost mid-task, as when a machine of a cluster goes."""

    def __init__(self, times: int):
        super().__init__(daemon=True)
        self.times, self.killed, self.done = times, [], threading.Event()

    def run(self):
        while len(self.killed) < self.times and not self.done.wait(0.05):
            for process in psutil.Process().children(recursive=True):
                worker = self._worker_of_kernel(process)
                if worker and worker.pid not in self.killed:
                    worker.kill()
                    self.killed.append(worker.pid)
                    break

    @staticmethod
    def _worker_of_kernel(process):
        try:
            if "ipykernel_launcher" in " ".join(process.cmdline()):
                return process.parent()
        except psutil.Error:  # gone meanwhile
            return None
        return None


def batch_killing_workers(kills: int, *arguments: str) -> tuple[int, list[int]]:
    """`ww batch *arguments` while up to `kills` of its Dask workers are killed mid-task."""
    killer = WorkerKiller(kills)
    killer.start()
    try:
        return main(["batch", *arguments]), killer.killed
    finally:
        killer.done.set()
        killer.join()


@pytest.mark.slow
def test_a_dask_batch_writes_what_the_process_pool_writes_though_a_worker_dies(
    tmp_path, cohorts, capsys
):
    pair = [str(cohorts["ooststad"]), str(cohorts["westerkerk"])]
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    assert main(["batch", *pair, "--out", str(pool), "--jobs", "2", "--home", str(tmp_path)]) == 0
    code, killed = batch_killing_workers(
        1, *pair, str(cohorts["broken"]), "--out", str(dask), "--dask", "local:2"
    )
    assert code == 1 and len(killed) == 1  # the cohort it ran went to another worker
    err = capsys.readouterr().err
    assert f"FAILED {cohorts['broken']}" in err and "people.csv" in err
    assert "Traceback" not in err  # the lost worker is Dask's business, not the user's
    for name in ("ooststad", "westerkerk"):
        assert undated(dask / name / "report.html") == undated(pool / name / "report.html")
        # the stores of a --dask run without --home go with their cohorts, not in $WW_HOME
        assert (tmp_path / "data" / ".wij-werken" / "stores" / f"{name}.sqlite").is_file()
        assert (tmp_path / "stores" / f"{name}.sqlite").is_file()  # --home of the pool run
    assert not list(dask.rglob("*.sqlite"))  # the output holds reports, no personal data store
    index = (dask / "index.html").read_text(encoding="utf-8")
    assert 'href="ooststad/report.html"' in index and 'href="westerkerk/report.html"' in index
    assert "<strong>broken</strong>" in index and "people.csv" in index


@pytest.mark.slow
def test_a_cohort_whose_worker_dies_three_times_is_reported_by_name(tmp_path, cohorts, capsys):
    out = tmp_path / "o"
    code, killed = batch_killing_workers(
        3, str(cohorts["ooststad"]), "--out", str(out), "--dask", "local:2"
    )
    assert code == 1 and len(killed) == 3
    err = capsys.readouterr().err
    assert f"FAILED {cohorts['ooststad']}: its worker died each of the 3 times" in err
    assert "Traceback" not in err
    assert not (out / "ooststad" / "report.html").exists()
    assert "<strong>ooststad</strong>" in (out / "index.html").read_text(encoding="utf-8")
