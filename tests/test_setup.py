"""The set-up every command starts with: uv, pinned, and a lock with a hash for every file.

`make serve`, `make check` and `make test` install uv at the version the Makefile
names, then install .venv from uv.lock with `uv sync --locked`, which refuses a
lock that no longer matches pyproject.toml and a downloaded file whose hash is not
the one in the lock.
"""

from __future__ import annotations

import re
import subprocess

import tomllib

from tests.paths import ROOT, UV

LOCK = tomllib.loads((ROOT / "uv.lock").read_text("utf-8"))
MAKEFILE = (ROOT / "Makefile").read_text("utf-8")


def test_the_lock_matches_pyproject():
    result = subprocess.run([UV, "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr


def test_every_file_the_lock_can_download_has_a_sha256():
    registry = [p for p in LOCK["package"] if "registry" in p["source"]]
    assert len(registry) > 50
    missing = []
    for package in registry:
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files, f"{package['name']} has no file in the lock"
        missing += [f"{package['name']}: {f.get('url', '?')}" for f in files
                    if not re.fullmatch(r"sha256:[0-9a-f]{64}", f.get("hash", ""))]
    assert missing == []


def test_the_only_package_not_from_the_registry_is_ours():
    assert [p["name"] for p in LOCK["package"] if "registry" not in p["source"]] == ["lambda-puzzle"]


def test_serving_installs_the_docs_group_and_the_rest_installs_dev():
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["dependency-groups"]
    assert {"include-group": "docs"} in groups["dev"]
    assert "--no-default-groups --group docs" in MAKEFILE
    assert re.search(r"^serve: \$\(DOCS\)$", MAKEFILE, re.M)
    assert re.search(r"^check: \$\(STAMP\)$", MAKEFILE, re.M)
    for line in re.findall(r"^\t\$\(UV\) sync .*$", MAKEFILE, re.M):
        assert "--locked" in line


def test_uv_is_the_pinned_version():
    pinned = re.search(r"^UV_VERSION := (\S+)$", MAKEFILE, re.M)[1]
    result = subprocess.run([UV, "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.split()[1] == pinned
