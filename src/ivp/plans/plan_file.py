"""Reading a plan file safely: bytes → YAML → a plain dict with the line of every key.

Plan files come from outside (e-mail, another installation), so reading is defensive:
- at most `MAX_FILE_BYTES`; UTF-8 only;
- a `yaml.SafeLoader` subclass (libyaml's `CSafeLoader` when present; only plain data, never
  Python objects), in which only true/false are booleans (not yes/no/on/off: the key `on` stays
  the text "on");
- anchors and aliases (`&a` / `*a`) are refused before anything is built, which stops "billion
  laughs" alias bombs; nesting deeper than `MAX_DEPTH` and more than `MAX_NODES` values are
  refused the same way (building is the slow part: 20,000 values take about a second);
- a key given twice in one mapping is a problem (plain PyYAML silently keeps the last one).
Every problem is a `FileProblem` with the line; the schema checks are in `validation.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import yaml
from django.utils.translation import gettext as _

from ivp.core.errors import DataFileError, FileProblem

MAX_FILE_BYTES = 2 * 1024 * 1024
"""A real plan is about 50 KB; anything above 2 MB is refused unread."""
MAX_DEPTH = 20
"""The plan format nests 7 levels deep; deeper input is refused before it is built."""
MAX_NODES = 20_000
"""Values (scalars, lists, mappings) in one file: the Maasgouw example has about 1,500."""

YamlPath = tuple[str | int, ...]


def path_text(path: YamlPath) -> str:
    """("indicators", 3, "target", "value") → "indicators[3].target.value"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# libyaml's parser when PyYAML has it (about 50 times faster: a 2 MB file takes a second, not a
# minute); the pure-Python one otherwise. Construction is SafeConstructor's either way.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlanLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans only and duplicate keys recorded as problems."""

    duplicate_keys: list[tuple[int, str]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                self.duplicate_keys.append((key_node.start_mark.line + 1, str(key)))
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


class NotADate(str):
    """A scalar that YAML reads as a date or time but that is none (`2024-13-45`): kept as its
    text, so that the checks report it with its path instead of the parser failing."""

    __slots__ = ()


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return NotADate(loader.construct_scalar(node))


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class ParsedFile:
    """The file's content as plain data, and the line (1-based) of every key and list item."""

    name: str
    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)

    def line_of(self, path: YamlPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def problem(self, path: YamlPath, message: str) -> FileProblem:
        return FileProblem(self.name, self.line_of(path), path_text(path) or None, message)


def too_large(name: str) -> DataFileError:
    return DataFileError.single(
        name, None, None,
        _("The file is larger than %(limit)d MB; a plan file is much smaller.")
        % {"limit": MAX_FILE_BYTES // (1024 * 1024)},
    )  # fmt: skip


def read_limited(handle: BinaryIO, *, name: str) -> bytes:
    """Up to MAX_FILE_BYTES from `handle`; a larger input is refused without reading it all."""
    content = handle.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise too_large(name)
    return content


def _structure_problems(text: str, name: str) -> list[FileProblem]:
    """Refuse aliases, anchors and deep nesting from the event stream, before building anything."""
    problems: list[FileProblem] = []
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_PlanLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or (
            isinstance(event, yaml.NodeEvent) and getattr(event, "anchor", None)
        ):
            problems.append(
                FileProblem(
                    name, line, None, _("Anchors and aliases (&name, *name) are not allowed in a plan file.")
                )
            )
            if len(problems) >= 10:
                break
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            nodes += 1
            if nodes > MAX_NODES:
                message = _("More than %(count)d values; a plan file has far fewer.") % {"count": MAX_NODES}
                problems.append(FileProblem(name, line, None, message))
                break
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(
                    FileProblem(
                        name, line, None,
                        _("Nested deeper than %(depth)d levels; a plan file is not.") % {"depth": MAX_DEPTH},
                    )
                )  # fmt: skip
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return problems


def _record_lines(node: yaml.Node, path: YamlPath, lines: dict[YamlPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                child = (*path, str(key_node.value))
                lines.setdefault(child, key_node.start_mark.line + 1)
                _record_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _record_lines(item, child, lines)


def plan_file_parse(*, content: bytes, name: str) -> ParsedFile:
    """Decode and parse a plan file, or raise DataFileError naming line and column."""
    if len(content) > MAX_FILE_BYTES:
        raise too_large(name)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError.single(
            name, None, None,
            _("The file is not UTF-8 text (byte %(position)d).") % {"position": error.start},
        ) from error  # fmt: skip
    try:
        problems = _structure_problems(text, name)
        if problems:
            raise DataFileError(problems)
        loader = _PlanLoader(text)
        loader.duplicate_keys = []
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "?"
        if mark is None:
            raise DataFileError.single(
                name, None, None, _("Invalid YAML: %(problem)s") % {"problem": reason}
            ) from error
        raise DataFileError.single(
            name, mark.line + 1, None,
            _("Invalid YAML at line %(line)d, column %(column)d: %(problem)s")
            % {"line": mark.line + 1, "column": mark.column + 1, "problem": reason},
        ) from error  # fmt: skip
    except yaml.YAMLError as error:
        raise DataFileError.single(
            name, None, None, _("Invalid YAML: %(problem)s") % {"problem": error}
        ) from error
    if loader.duplicate_keys:
        raise DataFileError(
            [
                FileProblem(name, line, key, _("The key “%(key)s” is given twice.") % {"key": key})
                for line, key in loader.duplicate_keys
            ]
        )
    parsed = ParsedFile(name=name, data=data)
    if node is not None:
        _record_lines(node, (), parsed.lines)
    return parsed
