#!/usr/bin/env python
"""Rebuild fixtures/demo.json from claims/demo.py.

Runs create_demo_data() on a throwaway SQLite database and dumps the result, so the fixture
holds rendered Markdown, computed weights and tallies exactly as the models produce them.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the demo fixture holds, and what it leaves out: listings are derived from the versions,
# and loaddemo writes them after loading. tests/test_demo.py dumps the same way.
DEMO_APPS = ("claims", "evidence", "mechanisms", "editorial", "auth.user")
DERIVED_MODELS = (
    "claims.PublishedClaim",
    "claims.PublishedTopic",
    "claims.PublishedCitation",
    "claims.SearchEntry",
    "claims.SearchDocument",
)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "DJANGO_SETTINGS_MODULE": "claimsite.settings",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from claims.demo import create_demo_data; create_demo_data()",
            ],
            env=env,
            check=True,
        )
        subprocess.run(
            [
                *manage,
                "dumpdata",
                *DEMO_APPS,
                *(arg for model in DERIVED_MODELS for arg in ("--exclude", model)),
                "--natural-foreign",
                "--natural-primary",
                "--indent",
                "1",
                "--output",
                str(ROOT / "fixtures" / "demo.json"),
            ],
            env=env,
            check=True,
        )
    print("Wrote fixtures/demo.json")


if __name__ == "__main__":
    main()
