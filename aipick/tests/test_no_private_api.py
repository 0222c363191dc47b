"""No underscore names of Django, redis-py, psycopg or any other dependency; no custom database backend.

A library's private names change in any release without a deprecation, and code built on
them cannot be followed from the library's documentation (STYLE.md, "Speed without
cleverness"). This reads the project's own files (not .venv, not migrations) and flags:

- `x._name`, and getattr/setattr/hasattr/delattr/patch/patch.object calls naming "_name"
  or "module._name", unless the project defines `_name` itself (def, class, a variable,
  `self._name = ...`) or it is documented Django API (`Model._meta`, `Model._state`);
- a method or `self._name = ...` of a class that overrides its Django, redis-py or psycopg
  base class's `_name`, and `super()._name`: both are the library's;
- `from module import _name` or `import module._private` from outside the project;
- a `DatabaseWrapper` subclass, and a database ENGINE other than `django.db.backends.*`.
"""

import ast
import pkgutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = {"_meta", "_state"}  # Model._meta; Model._state.adding and .db
ATTRIBUTE_CALLS = {"getattr", "setattr", "hasattr", "delattr", "patch", "object"}
# Base classes looked up for overrides: importing these has no side effects (locust's has).
LIBRARIES = {"django", "redis", "psycopg"}


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def name_of(node) -> str:
    """`x` for the name x, `y` for x.y, "" for anything else."""
    return getattr(node, "id", None) or getattr(node, "attr", "")


def defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(getattr(node, "ctx", None), ast.Store) and isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(getattr(node, "ctx", None), ast.Store) and isinstance(node, ast.Attribute):
            names.update([node.attr] if name_of(node.value) in {"self", "cls"} else [])
    return {name for name in names if private(name)}


def overrides(tree: ast.Module):
    """(line, name, base) for each private name a class shares with its library base class."""
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level:
            imported |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            imported |= {a.asname or a.name: a.name for a in node.names if "." not in a.name}
    for node in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        for head, dot, rest in (ast.unparse(base).partition(".") for base in node.bases):
            if imported.get(head, "").split(".")[0] in LIBRARIES:
                base = pkgutil.resolve_name(f"{imported[head]}{dot}{rest}")
                for name in defined_names(node):
                    if hasattr(base, name):
                        yield node.lineno, name, base.__name__


def engines(node):
    """Strings given as a database ENGINE: {"ENGINE": ...}, x["ENGINE"] = ..., engine=..."""
    pairs = []
    if isinstance(node, ast.Dict):
        pairs = [
            (getattr(k, "value", None), v) for k, v in zip(node.keys, node.values, strict=True)
        ]
    elif isinstance(node, ast.Assign):
        pairs = [
            (getattr(getattr(t, "slice", None), "value", None), node.value) for t in node.targets
        ]
    elif isinstance(node, ast.Call):
        pairs = [((k.arg or "").upper(), k.value) for k in node.keywords]
    return [v.value for k, v in pairs if k == "ENGINE" and isinstance(getattr(v, "value", 0), str)]


def problems(tree: ast.Module, ours: set[str], packages: set[str]):
    def foreign(name: str) -> bool:
        return private(name) and name not in ours | DOCUMENTED

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            on_super = name_of(getattr(node.value, "func", None)) == "super"
            if foreign(node.attr) or (on_super and node.attr not in DOCUMENTED):
                yield node.lineno, f".{node.attr}"
        if isinstance(node, ast.Call) and name_of(node.func) in ATTRIBUTE_CALLS:
            for text in (getattr(arg, "value", None) for arg in node.args):
                if isinstance(text, str) and any(map(foreign, text.split("."))):
                    yield node.lineno, f"{name_of(node.func)}(..., {text!r})"
        if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
            module = getattr(node, "module", "")
            for name in [module, *(alias.name for alias in node.names)]:
                outside = (module or name).split(".")[0] not in packages
                if outside and any(map(private, name.split("."))):
                    yield node.lineno, f"import of {name}"
        if isinstance(node, ast.ClassDef) and "DatabaseWrapper" in map(name_of, node.bases):
            yield node.lineno, f"class {node.name}(DatabaseWrapper)"
        for engine in engines(node):
            if not engine.startswith("django.db.backends."):
                yield node.lineno, f"database ENGINE {engine!r}"


def test_no_private_names_of_dependencies():
    """Django, redis-py, psycopg and the rest are used only through their documented names."""
    paths = [p for p in ROOT.rglob("*.py") if not {".venv", "migrations"} & set(p.parts)]
    trees = {p.relative_to(ROOT): ast.parse(p.read_text(), str(p)) for p in sorted(paths)}
    packages = {path.parts[0].removesuffix(".py") for path in trees}
    found, overridden = [], set()
    for path, tree in trees.items():
        for line, name, base in overrides(tree):
            found.append(f"{path}:{line}: overrides {base}.{name}")
            overridden.add(name)
    ours = set().union(*map(defined_names, trees.values())) - overridden
    for path, tree in trees.items():
        found += [f"{path}:{line}: {what}" for line, what in problems(tree, ours, packages)]
    assert found == [], "private API in use:\n" + "\n".join(found)
