"""YAML loading that keeps line numbers, so every error can name the line to fix."""

from __future__ import annotations

from typing import Any

import yaml

from stepcampus.errors import InputError, Problem


class Located:
    """A loaded YAML document plus the 1-based line of each mapping key and list item."""

    def __init__(self, data: Any, lines: dict[tuple[Any, ...], int]) -> None:
        self.data = data
        self._lines = lines

    def line(self, *path: Any) -> int | None:
        """Line of the value at `path` (keys and list indexes), or of its nearest parent."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), None)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, source: str, first_line: int = 1) -> Located:
    """Parse YAML text; `first_line` is the file line where `text` starts (front matter)."""
    # One parse gives both the nodes (for line numbers) and the data; libyaml's parser when
    # PyYAML has it is ~10x faster on a long Q&A compilation.
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError(Problem(source, line, f"invalid YAML: {reason}",
                                 "check indentation and quote text that holds a colon")) from None
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _walk(node, (), lines, first_line)
    return Located(data, lines)


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int],
          offset: int) -> None:
    lines.setdefault(path, node.start_mark.line + offset)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines[child] = key.start_mark.line + offset
            _walk(value, child, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, offset)
