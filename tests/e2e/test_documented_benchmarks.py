"""Every benchmark command the documentation shows runs, at a small scale: whether it runs is the point here, not its
figures (those are measured by running the command as shown; see docs/benchmarks.md).

The commands are read from the documentation as in ``test_documented_commands.py`` and run in a working folder of
their own (``tests/helpers/workbench.py``: the replica and the Wayback stand-in serving, no demo archive, which no
benchmark reads), so that they can run beside the other documented commands. At this scale a benchmark may miss its
targets (status 1, the figures printed): it must run through, print its figures, and raise no traceback.
"""

from __future__ import annotations

import pytest

from tests.helpers.documented import commands
from tests.helpers.workbench import is_benchmark, run_documented, workbench

BENCHMARKS = [documented for documented in commands() if is_benchmark(documented)]


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    with workbench(tmp_path_factory.mktemp("benchmarks"), demo=False) as made:
        yield made


@pytest.mark.parametrize("documented", BENCHMARKS, ids=[d.ident for d in BENCHMARKS])
def test_the_documented_benchmark_runs(bench, documented):
    run_documented(bench, documented)
