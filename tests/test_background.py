"""tests/background.py: work runs again only when its spawn never started (EFAULT)."""

import errno

import pytest

from tests.background import ATTEMPTS, _again_if_never_started


def failing(*errnos: int):
    calls = []

    def work():
        calls.append(1)
        if len(calls) <= len(errnos):
            raise OSError(errnos[len(calls) - 1], "spawn failed")
        return "observed"

    return work, calls


def test_work_whose_spawn_never_started_runs_again():
    work, calls = failing(errno.EFAULT)
    assert _again_if_never_started(work)() == "observed" and len(calls) == 2


def test_any_other_error_is_raised_at_once():
    work, calls = failing(errno.ENOENT)
    with pytest.raises(FileNotFoundError):
        _again_if_never_started(work)()
    assert len(calls) == 1


def test_it_gives_up_after_the_last_attempt():
    work, calls = failing(*[errno.EFAULT] * ATTEMPTS)
    with pytest.raises(OSError, match="spawn failed"):
        _again_if_never_started(work)()
    assert len(calls) == ATTEMPTS
