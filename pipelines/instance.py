"""The in-process Dagster instance `sezp-roadmap build` runs on.

Dagster's ephemeral instance keeps its event log in an in-memory SQLite
database and opens a new connection to it, with two PRAGMAs, for every one of
a build's hundreds of events (each partition of each asset is one); on the
sample zone that was about a tenth of the whole build. The event log here is
the same storage holding one connection for the life of the run. Everything
else is Dagster's ephemeral instance as it is. (These are Dagster's internal
modules: the pinned version's, checked by every build test.)
"""

from __future__ import annotations

from contextlib import contextmanager

import dagster as dg
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class OneConnectionEventLog(InMemoryEventLogStorage):
    """Dagster's in-memory event log on the connection it already holds, under its own lock.

    It also asks once, not at every asset event, whether its own table has a column:
    the answer cannot change while the table it created is in use.
    """

    def __init__(self):
        super().__init__()
        self._asset_key_columns: dict[str, bool] = {}

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        if column_name not in self._asset_key_columns:
            self._asset_key_columns[column_name] = super()._has_asset_key_col_on_connection(conn, column_name)
        return self._asset_key_columns[column_name]

    @contextmanager
    def _connect(self):
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn


def build_instance() -> dg.DagsterInstance:
    """An ephemeral instance (dagster's create_ephemeral_instance) with OneConnectionEventLog."""
    return dg.DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=OneConnectionEventLog(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
