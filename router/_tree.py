"""The matcher: a tree of path segments, walked or compiled to Python.

Every route ends at a leaf of a tree whose edges are path segments. At each
node the static children (a dict keyed by canonical segment text) are tried
first, then the parameter children in order of converter weight (typed ones
before a plain ``{name}``, ties by converter name), then a ``{name:path}``
that takes the rest of the path. A branch whose later segments fail, or whose
leaf does not take the method, falls back to the next candidate. So the
route a path reaches depends on the routes alone, never on the order in which
they were added.

The tree is used in two forms with one meaning:

- ``Tree.candidates`` walks it, percent-decoding as it goes, and yields every
  leaf that takes the path, best first. It answers whatever the compiled
  form leaves open: paths with a ``%``, and the methods of a 405.
- ``compile_matcher`` turns it into the source of one Python function that
  answers the common case, a path without ``%``, with nested ``if``
  statements: no loop, no recursion, no call and no intermediate object
  between ``str.split`` and the ``Match``. bench/router.py measures it at 6x
  to 8x the speed of the walk on github.txt and large.txt; the tests check
  that both forms agree with each other and with a model of the rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Final

from router._converters import MISS, Parser, StringConverter
from router._errors import DuplicateRoute, shown
from router._route import Match, Route
from router._template import (
    PATH_CONVERTER,
    Parameter,
    Template,
    canonical_segment,
    decode_segment,
)

#: ``match(method, path)``: the best route that takes both, as a Match, or
#: the exception that says why there is none.
Matcher = Callable[[str, str], Match]

#: A node with more static children than this (among those that can end at
#: the path's length) finds the child through a dict and a binary search
#: instead of a chain of ``==``, most routes first. bench/router.py: chains up
#: to 32 are as fast as 16 or 40 and 5% faster than 8 on github.txt and
#: large.txt, whose widest node has 116 static children.
MAX_CHAINED_SIBLINGS: Final = 32

#: A leaf with more routes than this finds the method's route with dict.get
#: instead of comparing the method with each route's methods.
MAX_CHAINED_ROUTES: Final = 3


class Leaf:
    """The routes of one template shape, by method.

    ``methods`` maps each method to its route, with HEAD mapped to the GET
    route unless a route asks for HEAD itself; ``any`` is the route that takes
    every method, alone in its leaf when it is there.
    """

    __slots__ = ("any", "methods", "routes")

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.methods: dict[str, Route] = {}
        self.any: Route | None = None

    def overlap(self, route: Route) -> Route | None:
        """The route of this leaf that takes a method ``route`` also takes."""
        for existing in self.routes:
            if existing.methods is None or route.methods is None:
                return existing
            if existing.methods & route.methods:
                return existing
        return None

    def add(self, route: Route) -> None:
        self.routes.append(route)
        if route.methods is None:
            self.any = route
            return
        for method in route.methods:
            self.methods[method] = route
        head = self.methods.get("HEAD")
        if "GET" in route.methods and (head is None or "HEAD" not in (head.methods or ())):
            self.methods["HEAD"] = route

    def route_for(self, method: str) -> Route | None:
        return self.methods.get(method) or self.any


class _ParameterEdge:
    """A parameter child of a node: the converter that guards it, and where it leads."""

    __slots__ = ("converter_name", "node", "parse", "plain", "sort_key")

    def __init__(self, parameter: Parameter) -> None:
        self.converter_name = parameter.converter_name
        #: A plain {name}: any non-empty segment, as it is.
        self.plain = type(parameter.converter) is StringConverter
        self.parse: Parser = parameter.parse
        self.sort_key = (parameter.converter.weight, parameter.converter_name)
        self.node = Node()


class Node:
    """One position in the tree: the segments that may come next."""

    __slots__ = ("catchall", "leaf", "parameters", "static")

    def __init__(self) -> None:
        self.static: dict[str, Node] = {}
        self.parameters: list[_ParameterEdge] = []
        self.catchall: Leaf | None = None
        self.leaf: Leaf | None = None


class Tree:
    """Every route of a router, ready to be matched."""

    def __init__(self) -> None:
        self.root = Node()
        #: One leaf per template shape: where add() finds conflicts.
        self.leaves: dict[tuple[str, ...], Leaf] = {}
        #: The leaves of templates without parameters, by the path they take,
        #: so that match() answers those paths with one dict lookup.
        self.static: dict[str, Leaf] = {}

    def check(self, route: Route) -> None:
        """Raise DuplicateRoute if ``route`` would take requests that a route
        of the tree already takes: same shape (names aside), shared method."""
        leaf = self.leaves.get(route.parsed.shape)
        existing = None if leaf is None else leaf.overlap(route)
        if existing is not None:
            raise DuplicateRoute(
                f"route {shown(route.template)} ({_methods(route)}) conflicts with "
                f"{shown(existing.template)} ({_methods(existing)})"
            )

    def add(self, route: Route) -> None:
        """Add a route that check() accepted."""
        shape = route.parsed.shape
        leaf = self.leaves.get(shape)
        if leaf is None:
            leaf = self.leaves[shape] = self._new_leaf(route.parsed)
        leaf.add(route)

    def _new_leaf(self, template: Template) -> Leaf:
        node = self.root
        leaf = Leaf()
        for segment in template.segments:
            if isinstance(segment, str):
                node = node.static.setdefault(segment, Node())
                continue
            if segment.converter_name == PATH_CONVERTER:
                node.catchall = leaf
                return leaf
            for edge in node.parameters:
                if edge.converter_name == segment.converter_name:
                    break
            else:
                edge = _ParameterEdge(segment)
                node.parameters.append(edge)
                node.parameters.sort(key=lambda edge: edge.sort_key)
            node = edge.node
        node.leaf = leaf
        if not template.parameters:
            self.static["/" + "/".join(template.shape)] = leaf
        return leaf

    def candidates(self, segments: list[str]) -> Iterator[tuple[Leaf, tuple[object, ...]]]:
        """Yield each leaf that takes the path and its converted values, best first.

        ``segments`` is ``path.split("/")``. Raw segments are percent-decoded
        before a converter sees them, and canonicalized before they are
        compared with static segments, so ``%2F`` stays inside its segment.
        """
        if len(segments) > 1 and not segments[0]:
            yield from _walk(self.root, segments, 1, [])


def _walk(
    node: Node, segments: list[str], index: int, values: list[object]
) -> Iterator[tuple[Leaf, tuple[object, ...]]]:
    if index == len(segments):
        if node.leaf is not None:
            yield node.leaf, tuple(values)
        return
    raw = segments[index]
    child = node.static.get(canonical_segment(raw))
    if child is not None:
        yield from _walk(child, segments, index + 1, values)
    text = _decode_or_none(raw) if raw and node.parameters else None
    if text is not None:
        for edge in node.parameters:
            value = edge.parse(text)
            if value is not MISS:
                values.append(value)
                yield from _walk(edge.node, segments, index + 1, values)
                values.pop()
    if node.catchall is not None:
        rest = "/".join(segments[index:])
        text = _decode_or_none(rest)
        if text:
            yield node.catchall, (*values, text)


def _decode_or_none(raw: str) -> str | None:
    """The decoded text, or None when its escapes are not UTF-8: such text
    reaches no handler, where it could only arrive as a guess."""
    try:
        return decode_segment(raw)
    except ValueError:
        return None


def _methods(route: Route) -> str:
    return "every method" if route.methods is None else ", ".join(sorted(route.methods))


def compile_matcher(tree: Tree, slow: Matcher) -> Matcher:
    """Turn the tree into the source of one Python function, compile it and
    return it; the function hands ``slow`` what it leaves open."""
    return _Compiler(tree).compile(slow)


class _Reach:
    """Which path lengths can end under a node: ``exact`` counts the leaves
    by length, and any length over ``catchall`` may end in a ``{name:path}``."""

    __slots__ = ("catchall", "exact")

    def __init__(self) -> None:
        self.exact: Counter[int] = Counter()
        self.catchall: int | None = None

    def takes(self, length: int | None) -> bool:
        """``length`` None: any length past the longest template."""
        if length is None:
            return self.catchall is not None
        return length in self.exact or (self.catchall is not None and length > self.catchall)

    def weight(self, length: int | None) -> int:
        """How many routes this subtree holds for paths of ``length``."""
        return 0 if length is None else self.exact[length]


class _Compiler:
    """Writes the matcher: one nested ``if`` per edge, backtracking by
    falling through to the next sibling's test.

    Names in the generated code: ``n`` is the number of segments; ``s3`` is
    segment 3; ``k3`` is the number of its static child, when there are many;
    ``v3`` is the value a converter made of it; ``rest3`` is the path from
    segment 3 on. Everything else the code uses (routes, leaves' method
    dicts, parsers, dispatch tables) is a constant of its namespace.
    """

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.namespace: dict[str, object] = {"MATCH": Match, "MISS": MISS}
        self.reach: dict[int, _Reach] = {}
        self.deepest_catchall = 0
        self._measure(tree.root, 1)

    def _measure(self, node: Node, depth: int) -> _Reach:
        reach = self.reach[id(node)] = _Reach()
        if node.leaf is not None:
            reach.exact[depth] += 1
        if node.catchall is not None:
            reach.catchall = depth
            self.deepest_catchall = max(self.deepest_catchall, depth)
        for child in [*node.static.values(), *(edge.node for edge in node.parameters)]:
            below = self._measure(child, depth + 1)
            reach.exact.update(below.exact)
            if below.catchall is not None and (
                reach.catchall is None or below.catchall < reach.catchall
            ):
                reach.catchall = below.catchall
        return reach

    def compile(self, slow: Matcher) -> Matcher:
        self.namespace["STATIC"] = self.tree.static
        self.namespace["SLOW"] = slow
        lines = ["def match(method, path):"]
        if self.tree.static:
            # bench/router.py: the whole-path dict answers parameter-free
            # paths in one lookup, 2x faster than the code below on
            # static.txt, and costs the others one dict miss: 2% faster on
            # github.txt, 3% slower on large.txt.
            lines += [
                "    leaf = STATIC.get(path)",
                "    if leaf is not None:",
                "        r = leaf.methods.get(method) or leaf.any",
                "        if r is not None:",
            ]
            self._build(None, [], lines, 3)
        lines += [
            '    if "%" not in path:',
            '        segs = path.split("/")',
            "        n = len(segs)",
            "        if not segs[0]:",
        ]
        self._lengths(self.tree.root, lines, 3)
        lines.append("    return SLOW(method, path)")
        exec(compile("\n".join(lines), "<router>", "exec"), self.namespace)
        matcher: Matcher = self.namespace["match"]  # type: ignore[assignment]
        return matcher

    def _lengths(self, root: Node, lines: list[str], indent: int) -> None:
        """Write one branch per path length that some route takes, then one
        for the longer paths that only a ``{name:path}`` takes.

        Knowing the length, each branch unpacks the segments into locals at
        once and leaves out the subtrees that cannot end at that length: no
        length check and no index per segment. bench/router.py: 1.3x on
        github.txt, 1.15x on large.txt.
        """
        pad = "    " * indent
        reach = self.reach[id(root)]
        # Past this length, every segment a branch reads exists.
        longest = max(*reach.exact, self.deepest_catchall + 1, 1)
        lengths = [length for length in range(2, longest + 1) if reach.takes(length)]
        # The lengths with the most routes are tested first.
        lengths.sort(key=lambda length: (-reach.exact[length], length))
        keyword = "if"
        for length in lengths:
            lines.append(f"{pad}{keyword} n == {length}:")
            names = ", ".join(["_", *(f"s{depth}" for depth in range(1, length))])
            lines.append(f"{pad}    {names} = segs")
            self._node(root, 1, [], lines, indent + 1, length)
            keyword = "elif"
        if reach.catchall is not None:
            lines.append(f"{pad}{keyword} n > {longest}:")
            self._node(root, 1, [], lines, indent + 1, None)
        elif not lengths:
            lines.append(f"{pad}pass")

    def _constant(self, prefix: str, value: object) -> str:
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def _node(
        self,
        node: Node,
        depth: int,
        scope: list[str],
        lines: list[str],
        indent: int,
        length: int | None,
    ) -> None:
        """Write the code that tries the subtree under ``node`` for
        ``segs[depth:]``; it returns a Match or falls through.

        ``scope`` names the variable that holds each parameter's value so
        far. ``length`` is the number of segments, or ``None`` for any length past
        the longest template, which only a ``{name:path}`` can take.
        """
        pad = "    " * indent
        if depth == length:
            assert node.leaf is not None
            self._leaf(node.leaf, scope, lines, indent)
            return
        segment = f"s{depth}"
        # The static children that can end at this length, those with the
        # most routes first; bench/router.py: a chain of == beats a dict up
        # to MAX_CHAINED_SIBLINGS.
        children = [
            (key, child)
            for key, child in sorted(node.static.items())
            if self.reach[id(child)].takes(length)
        ]
        edges = [edge for edge in node.parameters if self.reach[id(edge.node)].takes(length)]
        if length is None and (children or edges):
            lines.append(f"{pad}{segment} = segs[{depth}]")
        if len(children) > MAX_CHAINED_SIBLINGS:
            numbers = {key: number for number, (key, _) in enumerate(children, 1)}
            lines.append(f"{pad}k{depth} = {self._constant('T', numbers)}.get({segment}, 0)")
            lines.append(f"{pad}if k{depth}:")
            self._bisect(children, 1, len(children), depth, scope, lines, indent + 1, length)
        else:
            children.sort(key=lambda item: -self.reach[id(item[1])].weight(length))
            for position, (key, child) in enumerate(children):
                keyword = "elif" if position else "if"
                lines.append(f"{pad}{keyword} {segment} == {key!r}:")
                self._node(child, depth + 1, scope, lines, indent + 1, length)
        for edge in edges:
            if edge.plain:
                # The fast path sees no "%", so the raw segment is the value.
                variable = condition = segment
            else:
                variable = f"v{depth}"
                lines.append(f"{pad}{variable} = {self._constant('P', edge.parse)}({segment})")
                condition = f"{variable} is not MISS"
            lines.append(f"{pad}if {condition}:")
            self._node(edge.node, depth + 1, [*scope, variable], lines, indent + 1, length)
        if node.catchall is not None:
            rest = f"rest{depth}"
            lines.append(f"{pad}{rest} = '/'.join(segs[{depth}:])")
            lines.append(f"{pad}if {rest}:")
            self._leaf(node.catchall, [*scope, rest], lines, indent + 1)

    def _bisect(
        self,
        children: list[tuple[str, Node]],
        first: int,
        last: int,
        depth: int,
        scope: list[str],
        lines: list[str],
        indent: int,
        length: int | None,
    ) -> None:
        """Write the code that picks static child number ``k`` among numbers
        ``first`` to ``last`` in a few integer comparisons: a dict gives the
        number, a binary search on it picks the code, all in one frame."""
        pad = "    " * indent
        if last - first < 3:
            for number in range(first, last + 1):
                keyword = "elif" if number > first else "if"
                lines.append(f"{pad}{keyword} k{depth} == {number}:")
                child = children[number - 1][1]
                self._node(child, depth + 1, scope, lines, indent + 1, length)
            return
        middle = (first + last + 1) // 2
        lines.append(f"{pad}if k{depth} < {middle}:")
        self._bisect(children, first, middle - 1, depth, scope, lines, indent + 1, length)
        lines.append(f"{pad}else:")
        self._bisect(children, middle, last, depth, scope, lines, indent + 1, length)

    def _leaf(self, leaf: Leaf, scope: list[str], lines: list[str], indent: int) -> None:
        """Write the code that returns a Match if the leaf takes the method."""
        pad = "    " * indent
        if leaf.any is not None:
            self._build(leaf.any, scope, lines, indent)
            return
        if len(leaf.routes) > MAX_CHAINED_ROUTES:
            lines.append(f"{pad}r = {self._constant('L', leaf.methods)}.get(method)")
            lines.append(f"{pad}if r is not None:")
            if len({_names(route) for route in leaf.routes}) == 1:
                self._build(None, scope, lines, indent + 1, names=_names(leaf.routes[0]))
                return
            # Routes of one shape may name their parameters differently
            # (/users/{id} GET beside /users/{name} POST).
            for route in leaf.routes:
                lines.append(f"{pad}    if r is {self._constant('R', route)}:")
                self._build(route, scope, lines, indent + 2)
            return
        # A few routes: compare the method with each route's methods, GET
        # first. bench/router.py: 14% faster than dict.get on large.txt.
        methods: dict[int, list[str]] = {id(route): [] for route in leaf.routes}
        for method, route in sorted(leaf.methods.items(), key=lambda item: item[0] != "GET"):
            methods[id(route)].append(method)
        for route in sorted(leaf.routes, key=lambda route: "GET" not in methods[id(route)]):
            condition = " or ".join(f"method == {method!r}" for method in methods[id(route)])
            lines.append(f"{pad}if {condition}:")
            self._build(route, scope, lines, indent + 1)

    def _build(
        self,
        route: Route | None,
        scope: list[str],
        lines: list[str],
        indent: int,
        names: tuple[str, ...] = (),
    ) -> None:
        """Write the code that returns the Match of ``route``, or when it is
        None, of the route in variable ``r``, whose parameters are ``names``."""
        pad = "    " * indent
        if route is not None:
            # Constants rather than r and r.handler: bench/router.py, 2% on
            # github.txt.
            names = _names(route)
            route_value = self._constant("R", route)
            handler_value = self._constant("H", route.handler)
        else:
            route_value, handler_value = "r", "r.handler"
        items = ", ".join(f"{name!r}: {value}" for name, value in zip(names, scope, strict=True))
        lines += [
            # Match has no __init__: calling the bare class and filling its
            # slots skips a Python frame. bench/router.py: 5% on github.txt.
            f"{pad}m = MATCH()",
            f"{pad}m.route = {route_value}",
            f"{pad}m.handler = {handler_value}",
            f"{pad}m.params = {{{items}}}",
            f"{pad}return m",
        ]


def _names(route: Route) -> tuple[str, ...]:
    return tuple(parameter.name for parameter in route.parsed.parameters)
