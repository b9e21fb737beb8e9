"""Issue 10, item 8 (supply chain): every dependency's major version is bounded, the
lock pins every package with its hashes and agrees with pyproject.toml, the venv the
tests run in is exactly the lock, and scripts/_env.sh installs from the lock with
--require-hashes, only when the lock or pyproject.toml changed, never upgrading pip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
# The installer itself (from the interpreter's ensurepip) and the project under test.
NOT_LOCKED = {"pip", "scalpbot"}
UPPER_BOUND_OPERATORS = {"<", "<=", "==", "===", "~="}


def pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def declared() -> list[tuple[str, Requirement]]:
    """Every requirement pyproject.toml names, with where it is named."""
    data = pyproject()
    build = data["build-system"]
    project = data["project"]
    assert isinstance(build, dict) and isinstance(project, dict)
    found = [("build-system.requires", Requirement(r)) for r in build["requires"]]
    found += [("project.dependencies", Requirement(r)) for r in project["dependencies"]]
    for extra, reqs in project["optional-dependencies"].items():
        found += [(f"optional-dependencies.{extra}", Requirement(r)) for r in reqs]
    return found


class LockEntry:
    """One requirement of the lock: its pin, marker and hashes."""

    def __init__(self, text: str) -> None:
        parts = text.split()
        self.hashes = [p.removeprefix("--hash=") for p in parts if p.startswith("--hash=")]
        spec = " ".join(p for p in parts if not p.startswith("--hash="))
        self.requirement = Requirement(spec)
        self.name = canonicalize_name(self.requirement.name)
        pins = list(self.requirement.specifier)
        self.version = pins[0].version if len(pins) == 1 and pins[0].operator == "==" else None

    def applies(self) -> bool:
        marker = self.requirement.marker
        return marker is None or marker.evaluate()


def lock_entries() -> list[LockEntry]:
    text = LOCK.read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)  # join continuation lines
    lines = (line.split("#", 1)[0].strip() for line in logical.splitlines())
    return [LockEntry(line) for line in lines if line]


def locked() -> dict[str, LockEntry]:
    return {entry.name: entry for entry in lock_entries()}


def test_item_08_every_dependency_bounded_above() -> None:
    """The review found open ranges: `tzdata>=2024.1` and `setuptools>=77` took any
    future major release. Every requirement in pyproject.toml (build system, runtime,
    every extra) now has an upper bound."""
    unbounded = [
        f"{where}: {req}"
        for where, req in declared()
        if not any(spec.operator in UPPER_BOUND_OPERATORS for spec in req.specifier)
    ]
    assert not unbounded, f"no upper bound: {unbounded}"


def test_item_08_lock_pins_every_package_with_hashes() -> None:
    """There was no lock at all. requirements/lock.txt pins every package with `==`
    and at least one sha256 hash, as `pip install --require-hashes` demands, and
    names no index, link or editable that could bypass the hashes."""
    text = LOCK.read_text(encoding="utf-8")
    options = [
        line
        for line in text.splitlines()
        if line.strip().startswith(("-", "--")) and not line.strip().startswith("--hash=")
    ]
    assert not options, f"options in the lock: {options}"
    entries = lock_entries()
    assert len(entries) > 20
    for entry in entries:
        assert entry.version is not None, f"not pinned with ==: {entry.requirement}"
        assert entry.hashes, f"no hash for {entry.name}"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in entry.hashes), entry.name
    names = [entry.name for entry in entries]
    assert len(names) == len(set(names)), "a package is pinned twice"


def test_item_08_lock_pins_every_dependency_pyproject_names() -> None:
    """The lock matches pyproject.toml: every requirement it names (runtime, every
    extra including dev, and the build backend, which installs the project with
    --no-build-isolation) is pinned, at a version its range allows."""
    pins = locked()
    env = default_environment()
    for where, req in declared():
        extra = where.removeprefix("optional-dependencies.")
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"{where}: {req} is not in {LOCK.name}"
        version = pins[name].version
        assert version is not None and req.specifier.contains(version, prereleases=True), (
            f"{where}: {req} but the lock pins {version}"
        )


def test_item_08_installed_venv_matches_lock() -> None:
    """The venv the tests run in was installed from the lock: every installed
    distribution (but pip and the project itself) is pinned there at its installed
    version, every pin for this platform is installed, and each installed package's
    own requirements are pinned too (the lock is closed)."""
    pins = {name: e for name, e in locked().items() if e.applies()}
    installed = {
        canonicalize_name(d.metadata["Name"]): d for d in distributions() if d.metadata["Name"]
    }
    unlocked = sorted(set(installed) - set(pins) - NOT_LOCKED)
    assert not unlocked, f"installed but not in the lock: {unlocked}"
    missing = sorted(set(pins) - set(installed))
    assert not missing, f"in the lock but not installed: {missing}"
    differ = {
        name: (installed[name].version, entry.version)
        for name, entry in pins.items()
        if installed[name].version != entry.version
    }
    assert not differ, f"installed vs locked versions differ: {differ}"
    env = default_environment()
    for name, dist in installed.items():
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
                assert canonicalize_name(req.name) in set(pins) | NOT_LOCKED, (
                    f"{name} needs {req}, which the lock does not pin"
                )


def fake_env_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the files scripts/_env.sh reads, with a .venv whose python logs every
    `-m pip` call instead of running pip (and runs any other call for real)."""
    tree = tmp_path / "tree"
    (tree / "scripts").mkdir(parents=True)
    (tree / "requirements").mkdir()
    shutil.copy(ROOT / "scripts" / "_env.sh", tree / "scripts" / "_env.sh")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    shutil.copy(LOCK, tree / "requirements" / "lock.txt")
    log = tmp_path / "pip.log"
    python = tree / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -m ] && [ "$2" = pip ]; then\n'
        f'    echo "$*" >> {log}\n'
        "    exit 0\n"
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    python.chmod(0o755)
    return tree, log


def source_env(tree: Path) -> None:
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run(
        ["bash", "-c", "source scripts/_env.sh"], cwd=tree, env=env, check=True, timeout=60
    )


def test_item_08_env_installs_from_the_lock_only_when_it_changes(tmp_path: Path) -> None:
    """scripts/_env.sh ran `pip install --upgrade pip` and `pip install -e .` (open
    ranges, no hashes) whenever pyproject.toml changed, from run.sh too. Now the
    first run installs the lock with --require-hashes and then the project alone
    with --no-deps; a second run calls pip not at all; a changed lock installs
    again; pip is never upgraded."""
    tree, log = fake_env_tree(tmp_path)
    source_env(tree)
    first = log.read_text().splitlines()
    installs = [call for call in first if " install " in f" {call} "]
    assert any(
        "--require-hashes" in call.split() and "requirements/lock.txt" in call.split()
        for call in installs
    ), first
    project = [call for call in installs if "-e" in call.split()]
    assert project and all("--no-deps" in call.split() for call in project), first
    # Everything but the project itself comes from the hash-checked lock.
    assert all("--require-hashes" in c.split() or "--no-deps" in c.split() for c in installs)
    log.unlink()
    source_env(tree)
    assert not log.exists(), "pip ran although neither the lock nor pyproject changed"
    lock = tree / "requirements" / "lock.txt"
    lock.write_text(lock.read_text() + "\n")
    source_env(tree)
    again = log.read_text().splitlines()
    assert any("--require-hashes" in call.split() for call in again), again
    everything = first + again
    assert not any(re.search(r"(^|\s)(-U|--upgrade)(\s|$)", c) for c in everything), everything
