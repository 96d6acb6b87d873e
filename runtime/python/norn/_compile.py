"""norn.compile(): a model header built into a model module with Norn's CMake package
(norn_add_model_module), cached by content, and loaded so that the model is known by name."""

import hashlib
import os
import re
import shutil
import subprocess
import tempfile

from . import _norn, _paths


class CompileError(ValueError):
    """A model header that does not compile; the message holds the compiler's verdict (for
    Norn's own checks, their static_assert message naming the model, the variable and the fix)."""


def _cache_root():
    root = os.environ.get("NORN_CACHE_DIR")
    if not root:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "norn", "models")
    return os.path.abspath(root)


def _verdict(log):
    """The lines of a failed build's log that say why: Norn's static_assert messages first."""
    asserts = re.findall(r"static assertion failed: (.*)", log)
    if asserts:
        return "; ".join(dict.fromkeys(a.strip() for a in asserts))
    errors = [line.strip() for line in log.splitlines() if " error: " in line or line.startswith("CMake Error")]
    if errors:
        return "; ".join(list(dict.fromkeys(errors))[:3])
    lines = log.strip().splitlines()
    return lines[-1] if lines else "no output"


def _module_in(directory):
    for name in os.listdir(directory):
        if name.endswith(".so"):
            return os.path.join(directory, name)
    return None


def compile(header, type=None, verbose=False):
    """Builds the model declared in `header` (a .hpp with a struct deriving from
    norn::dsl::neuron_model; `type` names it when the header holds several) and loads it.
    Returns the model's name, usable in simulate, Population, Network and norn.torch from then
    on. Modules are cached by the header's content and Norn's own build under $NORN_CACHE_DIR
    (default ~/.cache/norn/models); a changed header is compiled again. CompileError when it
    does not compile, FileNotFoundError when there is no header.
    """
    header = os.path.abspath(os.fspath(header))
    if not os.path.isfile(header):
        raise FileNotFoundError("norn: no model header {}".format(header))
    with open(header, "rb") as f:
        text = f.read()
    digest = hashlib.sha256()
    digest.update(text)
    digest.update(header.encode())  # its own #includes are relative to where it is
    digest.update(repr(type).encode())
    ext = _norn.__file__
    digest.update(repr((os.path.getmtime(ext), os.path.getsize(ext), _paths.package_dir)).encode())
    key = digest.hexdigest()[:20]
    root = _cache_root()
    done = os.path.join(root, key)
    module = _module_in(done) if os.path.isdir(done) else None
    if module is None:
        module = _build(header, type, root, done, verbose)
    return _norn.load_model(module)


def _build(header, type, root, done, verbose):
    os.makedirs(root, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".build-", dir=root)
    try:
        source = os.path.join(work, "source")
        os.makedirs(source)
        with open(os.path.join(source, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.20)\n"
                    "project(norn_model_module LANGUAGES CXX)\n"
                    "find_package(norn REQUIRED)\n"
                    "norn_add_model_module(model \"{}\"{})\n".format(
                        header.replace("\\", "/"), " TYPE {}".format(type) if type else ""))
        build = os.path.join(work, "build")
        configure = [_paths.cmake, "-S", source, "-B", build, "-DCMAKE_BUILD_TYPE=" + (_paths.build_type or "Release"),
                     "-Dnorn_DIR=" + _paths.package_dir, "-DCMAKE_CXX_COMPILER=" + _paths.cxx_compiler,
                     "-G", _paths.generator]
        if _paths.make_program:
            configure.append("-DCMAKE_MAKE_PROGRAM=" + _paths.make_program)
        env = dict(os.environ, CCACHE_DISABLE=os.environ.get("CCACHE_DISABLE", "0"))
        for step in (configure, [_paths.cmake, "--build", build]):
            r = subprocess.run(step, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if verbose:
                print(r.stdout)
            if r.returncode != 0:
                log = os.path.join(root, "last-failure.log")
                with open(log, "w") as f:
                    f.write(r.stdout)
                raise CompileError("norn: {} does not compile: {} (full log: {})".format(
                    os.path.basename(header), _verdict(r.stdout), log))
        module = _module_in(build)
        if module is None:
            raise CompileError("norn: building {} made no module".format(header))
        staged = os.path.join(work, "module")
        os.makedirs(staged)
        shutil.copy2(module, staged)
        try:
            os.rename(staged, done)  # whole, or not at all
        except OSError:
            if not (os.path.isdir(done) and _module_in(done)):  # unless another process put it there first
                raise
        return _module_in(done)
    finally:
        shutil.rmtree(work, ignore_errors=True)
