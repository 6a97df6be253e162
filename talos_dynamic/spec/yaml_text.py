"""Parse YAML spec text safely, within SpecLimits: PyYAML's C loader where built, never its unsafe tags.

Its own module so that PyYAML loads only when a document is YAML (documents.parse_text imports it then).
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import SpecError
from .documents import SpecLimits, too_deep, too_deep_for_python, too_many_aliases

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecYamlLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML loading that keeps timestamps as strings and makes every mapping key a string."""


_SpecYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    pairs = loader.construct_pairs(node, deep=True)
    return {k if isinstance(k, str) else _key_text(k): v for k, v in pairs}


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


_SpecYamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def parse_yaml(text: str, source: str, limits: SpecLimits) -> Any:
    """The document in YAML `text`; SpecError naming the source and the line when it is not valid YAML or
    is past the limits (aliases counted before anything is expanded)."""
    return parse_yaml_noting_anchors(text, source, limits)[0]


def parse_yaml_noting_anchors(text: str, source: str, limits: SpecLimits) -> tuple[Any, bool]:
    """parse_yaml, and whether the text defines an anchor (without one, no alias shares a node)."""
    loader = _SpecYamlLoader(text)
    try:
        node, anchored = _compose(loader, limits, source)
        return (None if node is None else loader.construct_document(node)), anchored
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):  # PyYAML >= 6.0.4's own flow limit
            raise too_deep(limits, source, mark) from None
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(f"not valid JSON or YAML{where}: {problem}", source=source) from None
    except RecursionError:  # only when max_depth was raised past what Python's recursion limit allows
        raise too_deep_for_python(limits, source) from None
    except ValueError as exc:  # an integer past Python's digit limit
        raise SpecError(f"not valid YAML: {exc}", source=source) from None
    finally:
        loader.dispose()


def _compose(loader: Any, limits: SpecLimits, source: str) -> tuple[yaml.Node | None, bool]:
    """The YAML document's node graph, composed from the parser's events without recursion, and whether it
    defines an anchor.

    Like go-yaml, it counts what aliases add as it goes: each alias adds the size of the node it names,
    aliases inside that node included (an alias bomb's expanded size is known here without expanding
    anything), and refuses the document once aliases add more than max_alias_nodes nodes, or it nests
    (aliases expanded) deeper than max_depth, or an alias names a node that contains it.
    """
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        loader.get_event()
        return None, False
    loader.get_event()  # document start
    anchors: dict[str, yaml.Node] = {}
    shapes: dict[int, tuple[int, int]] = {}  # id(anchored node) -> (height, expanded size), once complete
    stack: list[list[Any]] = []  # open collections: [node, height of its children, expanded size, mapping key]
    added = 0
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            node = anchors.get(event.anchor)
            if node is None:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            if id(node) not in shapes:
                raise SpecError(
                    f"the YAML alias *{event.anchor} at line {event.start_mark.line + 1} names a node that contains it",
                    source=source,
                )
            height, size = shapes[id(node)]
            added += size
            if added > limits.max_alias_nodes:
                raise too_many_aliases(limits, source, event.start_mark)
            if len(stack) + height > limits.max_depth:
                raise too_deep(limits, source, event.start_mark)
        elif isinstance(event, yaml.ScalarEvent | yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if event.anchor is not None and event.anchor in anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {event.anchor!r}; first occurrence",
                    anchors[event.anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            kind = {yaml.ScalarEvent: yaml.ScalarNode, yaml.SequenceStartEvent: yaml.SequenceNode}.get(
                type(event), yaml.MappingNode
            )
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(kind, getattr(event, "value", None), event.implicit)
            if kind is yaml.ScalarNode:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
                height, size = 0, 1
                if event.anchor is not None:
                    anchors[event.anchor] = node
                    shapes[id(node)] = (height, size)
            else:
                if len(stack) >= limits.max_depth:
                    raise too_deep(limits, source, event.start_mark)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
                if event.anchor is not None:
                    anchors[event.anchor] = node
                stack.append([node, 0, 1, None, event.anchor])
                continue
        else:  # the end of the innermost collection
            node, height, size, _, anchor = stack.pop()
            node.end_mark = event.end_mark
            height += 1
            if anchor is not None:
                shapes[id(node)] = (height, size)
        if not stack:
            break
        parent = stack[-1]
        parent[1] = max(parent[1], height)
        parent[2] += size
        if not isinstance(parent[0], yaml.MappingNode):
            parent[0].value.append(node)
        elif parent[3] is None:
            parent[3] = node
        else:
            parent[0].value.append((parent[3], node))
            parent[3] = None
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        extra = loader.get_event()
        raise yaml.composer.ComposerError(
            "expected a single document in the stream", node.start_mark, "but found another document", extra.start_mark
        )
    loader.get_event()
    return node, bool(anchors)
