# Shared by scripts/run.sh and scripts/test.sh: make .venv, install the pinned,
# hash-checked dependencies from requirements/lock.txt, then the project itself.
# It installs only when the lock or pyproject.toml changed since the last install,
# and never upgrades pip: see docs/dependencies.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "scalpbot needs Python 3.11 or newer as '$PY' (set PYTHON=...)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            "$PY" -m venv .venv
        else
            echo "cannot create a virtual environment: install python3-venv" >&2
            exit 1
        fi
    fi
fi
lock=requirements/lock.txt
stamp=.venv/.installed-lock
want=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "== installing the locked dependencies ($lock)" >&2
    pip=(.venv/bin/python -m pip --disable-pip-version-check)
    # Every package pinned with its hashes, wheels only: nothing unpinned, unhashed
    # or built from source runs here. setuptools (the build backend) is in the lock
    # too, so the project itself installs without fetching anything.
    "${pip[@]}" install -q --require-hashes --only-binary=:all: -r "$lock"
    "${pip[@]}" install -q --no-deps --no-build-isolation -e .
    # Like pip-sync: remove what an older lock installed and this one no longer pins.
    stale=$(.venv/bin/python - "$lock" <<'PYEOF'
import re, sys
from importlib.metadata import distributions
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
text = open(sys.argv[1], encoding="utf-8").read()
locked = {norm(m) for m in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.M)}
installed = {norm(d.metadata["Name"]) for d in distributions() if d.metadata["Name"]}
print(" ".join(sorted(installed - locked - {"pip", "scalpbot"})))
PYEOF
)
    if [ -n "$stale" ]; then
        # shellcheck disable=SC2086  # a list of package names
        "${pip[@]}" uninstall -q -y $stale
    fi
    echo "$want" > "$stamp"
fi
