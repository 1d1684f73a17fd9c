"""Why a name a check needs is not defined, from the kernel's history of run cells.

In a kernel (a student's, nbgrader autograde's, course_lib.selfcheck's, the batch
grader's), IPython keeps the source of every cell it ran, in order, in the namespace's
`In` list (also `_ih`). An unanswered answer cell still holds nbgrader's stub
`raise NotImplementedError()`: it ran, raised, and left its names undefined. So the
sources tell "not answered yet" from "never run". A plain dict namespace (a check
called from Python) has no history: the check then gives its usual hint.
"""
import ast

_HISTORY_CELLS = 2000       # the newest cells looked at
_HISTORY_CHARS = 200_000    # and at most this much source per cell


def _history(ns):
    """The sources of the cells this kernel ran, newest first; [] if unknown."""
    for key in ("In", "_ih"):
        try:
            sources = ns[key] if key in ns else None
        except Exception:  # noqa: BLE001  (a namespace fetched from a kernel may fail)
            sources = None
        if isinstance(sources, (list, tuple)):
            return [s for s in reversed(sources[-_HISTORY_CELLS:])
                    if isinstance(s, str) and s.strip() and len(s) <= _HISTORY_CHARS]
    return []


def _parse(source):
    try:
        return ast.parse(source)
    except Exception:  # noqa: BLE001  (SyntaxError, or too deeply nested for the parser)
        return None


def _stub_raised(tree):
    """The source raises NotImplementedError somewhere (nbgrader's stub)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
    return False


def _names(tree):
    """(names the cell binds at top level, names it mentions at all)."""
    bound, mentioned = set(), set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            mentioned.add(node.name)
            mentioned |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name):
            mentioned.add(node.id)
            if isinstance(node.ctx, ast.Store):
                bound.add(node.id)
        elif isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            mentioned |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            continue
        todo.extend(ast.iter_child_nodes(node))
    return bound, mentioned


def _is_check_call(tree):
    """A test cell or a self-check: calls of ``grading.*`` / ``selfcheck.*`` (and imports)."""
    calls = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    return bool(calls) and all(
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
        and isinstance(s.value.func, ast.Attribute) and isinstance(s.value.func.value, ast.Name)
        and s.value.func.value.id in ("grading", "selfcheck")
        for s in calls)


def why_missing(ns, name):
    """Why ``name`` is not defined, from the kernel's history of run cells:

    - "not answered": the newest cell that sets ``name`` ran but still raises
      NotImplementedError (or, if no cell sets it, the newest that uses it does, or else
      the answer cell run last before this check does: an unanswered cell may not even
      name the variable, only nbgrader's stub is left of it);
    - "stopped": the newest cell that sets it ran and has no stub: it failed before;
    - None: no such cell ran, or there is no history (the usual hint applies).
    """
    trees = [t for t in map(_parse, _history(ns)) if t is not None]
    names = [_names(t) for t in trees]
    for tree, (bound, _) in zip(trees, names):
        if name in bound:
            return "not answered" if _stub_raised(tree) else "stopped"
    for tree, (_, mentioned) in zip(trees, names):
        if name in mentioned and _stub_raised(tree):
            return "not answered"
    for tree in trees:
        if _is_check_call(tree):
            continue
        return "not answered" if _stub_raised(tree) else None
    return None
