"""Every exception class the package defines is rooted at AnonymizerError."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pipeline
from pipeline.errors import AnonymizerError


def all_modules() -> list[types.ModuleType]:
    """Every module of the package, imported (an import error fails the test: none is skipped)."""
    names = [m.name for m in pkgutil.walk_packages(pipeline.__path__, "pipeline.")]
    return [pipeline, *(importlib.import_module(name) for name in names)]


def foreign_exceptions(modules: list[types.ModuleType]) -> list[str]:
    """`module.Class` for each exception class a module defines outside AnonymizerError."""
    return [
        f"{module.__name__}.{name}"
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == module.__name__
        and not issubclass(value, AnonymizerError)
    ]


def test_every_module_is_walked() -> None:
    names = {m.__name__ for m in all_modules()}
    assert len(names) > 100
    assert {"pipeline.errors", "pipeline.cli.main", "pipeline.worker.transactions"} <= names


def test_every_exception_is_an_anonymizer_error() -> None:
    assert foreign_exceptions(all_modules()) == []


def test_a_plain_exception_class_is_found() -> None:
    module = types.ModuleType("pipeline.fake")
    exec(
        "from pipeline.errors import ConfigError\n"
        "class Stray(Exception): pass\n"
        "class Fine(ConfigError): pass\n"
        "Imported = ValueError\n",
        module.__dict__,
    )
    assert foreign_exceptions([module]) == ["pipeline.fake.Stray"]
