"""The shape of the code: the hub (``groups``) stands alone, and no import cycle remains between modules.

The imports are read from the source with ``ast``, every one of them: at the top of a module, inside a
function, and the lookups that stand for one (``apps.get_model("contacts", "Contact")``,
``import_module("…")``). Migrations and tests are left out; so are Django's and other libraries' modules.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's own packages (``search`` once the site search has an app of its own).
PACKAGES = ("groups", "documents", "contacts", "backups", "sample_data", "icwg_portal", "search")
# Apps built on the hub: they import groups, never the other way round…
SATELLITES = ("documents", "contacts")
# …except where a page or a load is composed of the hub and its satellites: the group page's view, the group
# admin with its inlines, the content loader.
COMPOSITION = {"groups.views", "groups.admin", "groups.management.commands.load_peru_content"}
# The hub's domain layer: its models and their querysets, and who may edit which group.
HUB_DOMAIN = {"groups.models", "groups.permissions", "groups.roles"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the project module it imports
    path: Path
    line: int
    statement: str

    def __str__(self):
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.statement}"


def project_modules():
    """{dotted module name: file} of the project's own packages, migrations and tests left out."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if {"migrations", "tests", "__pycache__"} & set(path.relative_to(ROOT).parts):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _known(name, modules):
    """The project module ``name`` is, or belongs to (``groups.models.WorkingGroup`` → ``groups.models``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _constant_strings(call):
    return [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]


def _named(node):
    """The names (``a.b.c``, relative to nothing) that ``node`` imports or looks up, if it does."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.Call):
        function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        strings = _constant_strings(node)
        if function == "import_module" and strings:
            return [strings[0]]
        if function == "get_model" and strings:
            # get_model("documents", "Document") or get_model("documents.Document"): a model of that app.
            return [f"{strings[0].partition('.')[0]}.models"]
    return []


def imports_in(module, path, modules):
    """Every import of a project module by ``module`` (file ``path``), wherever it stands in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # ``from groups import search`` imports the module groups.search; ``from groups.models import X``
            # the module groups.models.
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
            names = submodules if len(submodules) == len(node.names) else [*submodules, base]
        else:
            names = _named(node)
        for name in names:
            target = _known(name, modules)
            if target and target != module:
                found.append(Import(module, target, path, node.lineno, ast.unparse(node)))
    return found


def import_graph():
    modules = project_modules()
    return {module: imports_in(module, path, modules) for module, path in modules.items()}


def satellite_imports(imports):
    return [each for each in imports if each.target.partition(".")[0] in SATELLITES]


def cycles(graph):
    """For each group of modules that import one another (Tarjan): the group, and one of its cycles."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for each in graph[module]:
            if each.target not in index:
                visit(each.target)
                low[module] = min(low[module], low[each.target])
            elif each.target in on_stack:
                low[module] = min(low[module], index[each.target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [(sorted(group), _a_cycle_through(sorted(group)[0], group, graph)) for group in groups]


def _a_cycle_through(start, group, graph):
    """The shortest way from ``start`` back to itself within ``group`` (breadth first), as Imports."""
    ways = {start: []}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for each in graph[module]:
            if each.target == start:
                return [*ways[module], each]
            if each.target in group and each.target not in ways:
                ways[each.target] = [*ways[module], each]
                queue.append(each.target)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - Tarjan found one


def describe(group, cycle):
    way = " → ".join([cycle[0].source, *(each.target for each in cycle)])
    return "\n".join(
        [f"{', '.join(group)} import one another, e.g. {way}:", *(f"    {each}" for each in cycle)]
    )


# --- The tests ------------------------------------------------------------------------------------------


def test_the_hubs_domain_layer_imports_no_satellite():
    graph = import_graph()
    domain = [module for module in graph if module in HUB_DOMAIN or "quer" in module.rpartition(".")[2]]
    assert {"groups.models", "groups.permissions"} <= set(domain)
    offending = [str(each) for module in domain for each in satellite_imports(graph[module])]
    assert not offending, "groups' models, querysets and permissions import a satellite app:\n" + "\n".join(
        offending
    )


def test_only_composition_reaches_from_groups_into_the_satellites():
    graph = import_graph()
    offending = [
        str(each)
        for module, imports in graph.items()
        if module.partition(".")[0] == "groups" and module not in COMPOSITION
        for each in satellite_imports(imports)
    ]
    assert not offending, (
        f"only {', '.join(sorted(COMPOSITION))} may import documents or contacts from groups:\n"
        + "\n".join(offending)
    )


def test_no_import_cycle_between_the_projects_modules():
    found = cycles(import_graph())
    assert not found, "import cycles (imports inside functions included):\n" + "\n".join(
        describe(group, cycle) for group, cycle in found
    )


def test_the_imports_are_read_wherever_they_stand(tmp_path):
    """The checks above see an import hidden inside a function and a model looked up by name."""
    source = tmp_path / "models.py"
    source.write_text(
        "from django.apps import apps\n"
        "from . import roles\n"
        "def latest():\n"
        "    from contacts.models import Contact\n"
        "    return apps.get_model('documents', 'Document')\n",
        encoding="utf-8",
    )
    modules = {
        "groups.models": source,
        "groups.roles": source,
        "contacts.models": source,
        "documents.models": source,
    }
    found = {(each.target, each.line) for each in imports_in("groups.models", source, modules)}
    assert found == {("groups.roles", 2), ("contacts.models", 4), ("documents.models", 5)}
    graph = {
        "a": [Import("a", "b", ROOT / "a.py", 1, "import b")],
        "b": [Import("b", "c", ROOT / "b.py", 2, "import c")],
        "c": [Import("c", "a", ROOT / "c.py", 3, "import a")],
        "d": [Import("d", "a", ROOT / "d.py", 1, "import a")],
    }
    assert [describe(*found) for found in cycles(graph)] == [
        "a, b, c import one another, e.g. a → b → c → a:\n"
        "    a.py:1: import b\n    b.py:2: import c\n    c.py:3: import a"
    ]
