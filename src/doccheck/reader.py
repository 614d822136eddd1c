"""The reader's python, as a page's child process becomes it (kernel.py forks the child).

In the clean parent, `preload` imports the reader's packages and asks a fresh python
what it has loaded: by itself, and once it has imported each package. In the child,
`become` makes the process look like the reader's python in the reading it runs:
the argv, the streams (a terminal's in a script, Jupyter's in a notebook), the path,
the modules (a script starts with a bare python's, and the reader's packages are
handed over at the page's `import` with the modules they load: `Preloaded`), and
what no output block can show as both readers see it (`Unshowable`). `cell_name`
names a notebook cell's code as ipykernel does.

Standard library only: lent with kernel.py to fresh environments (kernel.STANDALONE).
"""

from __future__ import annotations

import ast
import builtins
import copy
import importlib
import importlib.abc
import importlib.machinery
import io
import linecache
import os
import subprocess
import sys
import tempfile
import types
import warnings
from pathlib import Path
from typing import Any

from doccheck.terminal import Capture

CODE_NAME = "<stdin>"  # a script's name, as python reading it from stdin gives it, in warnings and tracebacks

# What a fresh python has loaded (`preload` asks one, in the clean parent): by itself
# (BARE), and once it has imported the reader's packages (FRESH); each package's closure
# is what importing it alone adds to BARE. A script starts with BARE, and an import of a
# reader's package brings its closure; a notebook starts with FRESH, as a Jupyter kernel
# has loaded far more.
FRESH: frozenset[str] = frozenset()
BARE: frozenset[str] = frozenset()
CLOSURES: dict[str, frozenset[str]] = {}
PRELOADED: tuple[str, ...] = ()  # the reader's packages (top-level names) the parent imported
# Prints the modules of a bare python, then of one that imported each package alone (in a
# fork), then of one that imported them all.
_PROBE = """import os, sys
print(sorted(sys.modules), flush=True)
for name in sys.argv[1:]:
    if os.fork() == 0:
        __import__(name)
        print(sorted(sys.modules), flush=True)
        os._exit(0)
    os.wait()
for name in sys.argv[1:]:
    __import__(name)
print(sorted(sys.modules))"""


def preload(names: list[str]) -> None:
    """Import the reader's packages `names` once, in the clean parent, and learn what a
    fresh python has loaded by itself and with each of them."""
    global FRESH, BARE, CLOSURES, PRELOADED
    for name in names:
        importlib.import_module(name)
    # The reader's packages among them (not the standard library's, such as asyncio for the notebook).
    PRELOADED = tuple(dict.fromkeys(
        top for top in (name.partition(".")[0] for name in names)
        if not is_the_readers_path(os.path.dirname(getattr(sys.modules[top], "__file__", None) or sys.base_prefix))
    ))
    probe = subprocess.run([sys.executable, "-c", _PROBE, *names], capture_output=True, text=True, check=True)
    bare, *alone, every = (frozenset(ast.literal_eval(line)) for line in probe.stdout.splitlines())
    FRESH, BARE = every | {"__main__"}, bare
    CLOSURES = {name.partition(".")[0]: loaded - bare for name, loaded in zip(names, alone, strict=True)}


def become(notebook: bool, scratch: Path, capture: Capture, clean_filters: list[Any]) -> Unshowable:
    """Make this child the reader's fresh python, in the script or the notebook reading;
    what it does that no page can show is noted in the Unshowable returned."""
    if notebook:  # as ipykernel has them: argparse's usage names ipykernel_launcher.py
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        sys.argv = [os.path.join(sys.prefix, "lib", version, "site-packages", "ipykernel_launcher.py"), "-f",
                    os.path.join(scratch, f"kernel-{os.urandom(16).hex()}.json")]
    else:
        sys.argv = [""]  # as a fresh python reading a script from stdin has it
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")  # type: ignore[misc]
    # A terminal's streams, or Jupyter's (terminal.Capture.stream).
    sys.stdout = sys.__stdout__ = capture.stream(1, jupyter=notebook)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = capture.stream(2, jupyter=notebook)  # type: ignore[misc]
    sys.dont_write_bytecode = False  # a reader's fresh python writes __pycache__ beside a module it imports
    warnings.filters[:] = clean_filters  # type: ignore[index]  # a list at run time
    warnings._filters_mutated()  # type: ignore[attr-defined]  # forget which warnings the parent has shown
    unshowable = Unshowable()
    # What a reader's fresh python has: the modules it loads by itself and with their packages
    # (not the kernel's own, such as doccheck, urllib.parse or json.decoder), and only the
    # standard library and the current folder to import more from.
    for name in [n for n in sys.modules if n not in FRESH]:
        del sys.modules[name]
    sys.path[:] = ["", *(entry for entry in sys.path if entry and is_the_readers_path(entry))]
    # A fresh python has not imported the reader's packages yet, nor what they import: the page
    # imports them, and a numpy.py of its own folder comes first, as it would for a reader.
    tops = {name: sys.modules.pop(name) for name in PRELOADED if name in sys.modules}
    # (warnings stays: Unshowable watches it, and python loads it at a page's first warning.)
    held = {} if notebook else {name: sys.modules.pop(name) for name in FRESH - BARE - {"warnings"}
                                if name in sys.modules}
    sys.meta_path.insert(0, Preloaded(tops, held))
    return unshowable


class Preloaded(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """The reader's packages, imported once by the parent, out of sys.modules until the page
    imports them: then each is handed over as it is, with the modules its import loads
    (`held`, in the script reading: numpy's submodules, typing, inspect...), unless a module
    on the page's path (its own folder first) has the same name, which the page then
    imports, as a reader's python would. A held module that the page imports by itself is
    imported afresh."""

    def __init__(self, modules: dict[str, types.ModuleType], held: dict[str, types.ModuleType]) -> None:
        self.modules = modules
        self.held = held

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if path is not None or name not in self.modules:
            return None
        module = self.modules.pop(name)
        shadow = importlib.machinery.PathFinder.find_spec(name, sys.path)
        if shadow is not None:
            return shadow
        for loaded in sorted(CLOSURES.get(name, ())):  # lambda_puzzle's has numpy's too
            if loaded not in sys.modules and (loaded in self.held or loaded in self.modules):
                sys.modules[loaded] = self.held.get(loaded) or self.modules.pop(loaded)
        spec = copy.copy(module.__spec__)
        assert spec is not None  # a module the parent imported has one
        spec.loader, spec.loader_state = self, module
        return spec

    def create_module(self, spec: Any) -> types.ModuleType:
        module: types.ModuleType = spec.loader_state
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass  # imported once already, by the parent


def is_the_readers_path(entry: str) -> bool:
    """The standard library's folders: the reader's Python has its own site-packages, not ours."""
    stdlib = (sys.base_prefix, sys.base_exec_prefix)
    return entry.startswith(stdlib) and "site-packages" not in entry and "dist-packages" not in entry



class Unshowable:
    """What a block does that no output block can show as both readers see it.

    * A warning shown in Python's own format (not one a page catches, or shows with a
      `warnings.showwarning` of its own): python names the code <stdin>
      (`<stdin>:2: UserWarning: careful`), Jupyter the cell's own file, with the line of
      code under it.
    * A call of input(): a python that reads its script from stdin has read it all, and
      input() raises EOFError; Jupyter asks the reader to type.
    """

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.asked = False
        show = warnings._showwarnmsg_impl  # type: ignore[attr-defined]  # also what C code's warnings call
        ask = builtins.input

        def noted(message: warnings.WarningMessage) -> None:
            self.shown.append(f"{message.category.__name__}: {message.message}")
            show(message)

        def input(prompt: object = "", /) -> str:
            self.asked = True
            return ask(prompt)

        warnings._showwarnmsg_impl = noted  # type: ignore[attr-defined]
        builtins.input = input

    def why(self) -> str | None:
        """Why the block since the last call cannot be shown, if it cannot."""
        shown, self.shown = self.shown, []
        asked, self.asked = self.asked, False
        if asked:
            return ("it calls input(): python, which reads the script from stdin, has read all of it, so "
                    "input() raises EOFError, while Jupyter asks the reader to type; no output block can show "
                    "what each reader sees, so set the value in the code")
        if shown:
            return (f"it shows a warning ({shown[0]}): python prints it as <stdin>:LINE: ..., Jupyter names the "
                    "cell's own file and adds the line of code, so no output block can show both readers what "
                    "they see; avoid the warning (NumPy's: np.errstate), or catch it "
                    "(warnings.catch_warnings(record=True)) and print what matters")
        return None


def main_module(notebook: bool) -> tuple[types.ModuleType, Shell | None]:
    """A fresh __main__, put in sys.modules, with the names the reader's python gives it: a
    script's (`__file__` is <stdin>), or IPython's in a notebook, kept by the Shell returned."""
    module = types.ModuleType("__main__")
    module.__dict__.update(__builtins__=builtins, __annotations__={})
    shell = None
    if notebook:
        shell = Shell(module.__dict__)
    else:  # as a python reading a script from stdin has them
        module.__dict__.update(__file__=CODE_NAME, __cached__=None, __loader__=importlib.machinery.BuiltinImporter)
    sys.modules["__main__"] = module
    return module, shell


class Shell:
    """What IPython keeps in a notebook's namespace: its __doc__, In and Out, the sources of the
    cells before (_i, _ii, _iii: IPython sets them before each cell, over a loop variable of the
    page's own), exit, quit, get_ipython and its own open. The first cell of the page's notebook
    installs the wheel, so the page's first block is the second cell."""

    DOC = "Automatically created module for IPython interactive environment"

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.inputs = ["", "# the notebook's first cell, which installs lambda_puzzle"]
        namespace.update(
            __doc__=self.DOC, __builtin__=builtins, In=self.inputs, _ih=self.inputs, Out={}, _oh={},
            _dh=[os.getcwd()], _i="", _ii="", _iii="", _i1=self.inputs[1], _="", __="", ___="",
            exit=_Exit(), quit=_Exit(), get_ipython=_get_ipython, open=_open,
        )

    def before(self, code: str) -> None:
        """What IPython sets as a cell starts: the cell before is _i, its own source _iN."""
        before = ["", "", *self.inputs]  # from IPython's own record, whatever the page bound to _i
        self.namespace.update({"_i": before[-1], "_ii": before[-2], "_iii": before[-3], f"_i{len(self.inputs)}": code})
        self.inputs.append(code)


class _Exit:
    """IPython's exit and quit: calling one in a notebook asks the kernel to stop."""

    def __call__(self) -> None:
        raise SystemExit


def _get_ipython() -> Any:
    raise NotImplementedError("get_ipython(): the checker's notebook reading has no IPython shell "
                              "(make test runs the notebook in a real Jupyter kernel)")


def _open(file: Any, *args: Any, **kwargs: Any) -> Any:
    """IPython's open: the kernel's own stdin, stdout and stderr are refused."""
    if file in (0, 1, 2):
        raise ValueError(f"IPython won't let you open fd={file} by default as it is likely to crash IPython. "
                         "If you know what you are doing, you can use builtins' open.")
    return builtins.open(file, *args, **kwargs)


def cell_name(code: str) -> str:
    """The file name ipykernel gives a cell's code (a folder of the kernel's in the temporary
    directory, a number from the code), put in linecache as ipykernel does: inspect.getsource
    finds a function's source there, and a traceback shows the cell's lines."""
    import zlib

    name = os.path.join(_cells_folder(), f"{zlib.crc32(code.encode())}.py")
    linecache.cache[name] = (len(code), None, code.splitlines(keepends=True), name)
    return name


def is_a_blocks(filename: str | None) -> bool:
    """Whether `filename` names a block's code, in either reading."""
    return filename == CODE_NAME or (filename or "").startswith(os.path.join(_cells_folder(), ""))


def _cells_folder() -> str:
    """Where ipykernel names its cells' files: a folder of the kernel's in the temporary directory."""
    return os.path.join(tempfile.gettempdir(), f"ipykernel_{os.getpid()}")
