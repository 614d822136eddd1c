"""One loud line at the end of a run for each tool whose tests were skipped (tests/tools.py)."""

from tests.tools import NOT_RUN


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    reasons = {}
    for report in terminalreporter.getreports("skipped"):
        _, _, reason = report.longrepr if isinstance(report.longrepr, tuple) else (None, None, "")
        reason = reason.removeprefix("Skipped: ")
        if f"TESTS {NOT_RUN}:" in reason:
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"{reason} ({count} skipped)", yellow=True, bold=True)
