"""Names a package offers without importing them: each is imported on first use.

`import wwlib` and `import wwlib.ui` cost nothing this way; a notebook that uses three widgets
imports three modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_names(
    package: str, names: Mapping[str, str], modules: Mapping[str, str] | None = None
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A package's `__getattr__` and `__dir__`: `names` maps a name to the module that defines
    it, `modules` a name to a module that is the name itself."""
    modules = modules or {}

    def __getattr__(name: str) -> object:
        if name in modules:
            return importlib.import_module(modules[name])
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        raise AttributeError(f"module '{package}' has no attribute '{name}'")

    def __dir__() -> list[str]:
        return sorted([*names, *modules])

    return __getattr__, __dir__
