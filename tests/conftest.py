"""Background work for the selected slow tests (tests/background.py), and one loud
line at the end of a run for each tool whose tests were skipped (tests/tools.py)."""

import pytest

from tests import background
from tests.tools import NOT_RUN

# Stand-ins for the book's repository (tests/doccheck/test_book.py): run by the tests, never collected.
collect_ignore_glob = ["doccheck/fake_book/*"]


def waits_on_background(item) -> bool:
    return hasattr(getattr(item, "module", None), "BACKGROUND")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    # The tests that read background results run last, when the results are ready;
    # until then the main thread has other tests to run.
    items[:] = [item for item in items if not waits_on_background(item)] + [
        item for item in items if waits_on_background(item)
    ]


@pytest.hookimpl(trylast=True)  # after tests/site/conftest.py has started the build
def pytest_collection_finish(session) -> None:
    modules = []
    for item in session.items:
        if waits_on_background(item) and item.module not in modules:
            modules.append(item.module)
    for module in modules:
        for name, work in module.BACKGROUND.items():
            background.start(name, lambda work=work: work(session.config))


def pytest_sessionfinish(session) -> None:
    background.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    reasons = {}
    for report in terminalreporter.getreports("skipped"):
        _, _, reason = report.longrepr if isinstance(report.longrepr, tuple) else (None, None, "")
        reason = reason.removeprefix("Skipped: ")
        if f"TESTS {NOT_RUN}:" in reason:
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"{reason} ({count} skipped)", yellow=True, bold=True)
