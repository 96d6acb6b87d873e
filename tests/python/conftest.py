"""Shared by the Python module's tests: where the sources and the `norn` binary are (CTest
sets NORN_SOURCE_DIR and NORN_BINARY; run by hand, they default to this checkout's build/)."""

import os
import pathlib

import pytest

SOURCE = pathlib.Path(os.environ.get("NORN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BINARY = pathlib.Path(os.environ.get("NORN_BINARY", SOURCE / "build" / "norn"))


@pytest.fixture
def source_dir():
    return SOURCE


@pytest.fixture
def norn_binary():
    return BINARY
