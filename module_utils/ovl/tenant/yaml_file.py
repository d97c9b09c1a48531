# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read one tenant file: YAML with duplicate-key detection, errors as text.

``load_file(path) -> (data, error)``: *error* is None or a one-line message
such as ``line 3: mapping values are not allowed here`` (never a traceback).

Bounded before anything is built, so no file can exhaust the controller: at
most ``MAX_BYTES``; nesting at most ``MAX_DEPTH`` deep, checked on the text
before any parser sees it (libyaml's composer recurses in C, and very deep
nesting crashed the process) and again on the composed nodes; at most
``MAX_NODES`` values once aliases are expanded (an alias bomb of 1 KB expands
to millions of values, which the schema's messages then printed).

Parsed with libyaml (``CSafeLoader``) when PyYAML has it: 10x faster, which
matters at hundreds of tenant files (0.45 s -> 0.05 s for 500 on the
controller, on the critical path of every run). A file that fails is parsed
again with the pure-Python loader, so messages do not depend on libyaml.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - reported by the module
    yaml = None
    HAS_YAML = False


class _Strict(object):
    """Mixin: a safe loader that refuses duplicate keys in a mapping."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, dummy in node.value:
                if key_node.tag == 'tag:yaml.org,2002:merge':
                    continue  # '<<' may be overridden by explicit keys
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    continue  # the base class reports unhashable keys
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        'duplicate key %r (first defined on line %d)'
                        % (key, seen[key] + 1), key_node.start_mark)
                seen[key] = key_node.start_mark.line
        return yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=deep)


def _strict(base):
    loader = type('Strict' + base.__name__, (_Strict, base), {})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                           lambda ldr, node: ldr.construct_mapping(node))
    return loader


if HAS_YAML:
    StrictLoader = _strict(yaml.SafeLoader)
    FastLoader = _strict(getattr(yaml, 'CSafeLoader', yaml.SafeLoader))


def yaml_error_text(exc, text=''):
    """'line N: problem (context)' for a YAML error."""
    if isinstance(exc, yaml.reader.ReaderError):   # a character the reader refuses
        return 'line %d: character %r is not allowed in YAML (%s)' % (
            text[:exc.position].count('\n') + 1, exc.character, exc.reason)
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    problem = getattr(exc, 'problem', None) or str(exc).splitlines()[0]
    context = getattr(exc, 'context', None)
    text = problem if not context else '%s (%s)' % (problem, context)
    if mark is not None:
        return 'line %d: %s' % (mark.line + 1, text)
    return text


MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_NODES = 50000


def text_depth(text):
    """(deepest flow nesting, deepest indentation) of *text*, outside quotes
    and comments: a cheap upper bound on the nesting a parser would build."""
    flow = deepest = indent = 0
    brackets = '[' in text or '{' in text
    for line in text.splitlines():
        stripped = line.lstrip(' ')
        if stripped and not stripped.startswith('#'):
            indent = max(indent, len(line) - len(stripped))
        if not brackets:
            continue
        quote = None
        for char in stripped:
            if quote:
                quote = None if char == quote else quote
            elif char in '\'"':
                quote = char
            elif char == '#':
                break
            elif char in '[{':
                flow += 1
                deepest = max(deepest, flow)
            elif char in ']}':
                flow = max(0, flow - 1)
    return deepest, indent


def node_size(root):
    """(values once aliases are expanded, depth) of a composed node graph,
    without expanding it (sizes memoised per node; aliases share nodes)."""
    sizes, depths, stack = {}, {}, [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
        depths[key] = 1 + max([depths.get(id(c), 1) for c in children] or [0])
        if sizes[key] > MAX_NODES:
            return sizes[key], depths[key]
    return sizes.get(id(root), 1), depths.get(id(root), 1)


def _bounded(text, loader):
    """Compose with *loader*, refuse what is too big, then construct. Without
    an anchor (``&``) there is no alias: the size is bounded by the text and
    the depth was checked on the text, so the node walk is skipped."""
    parser = loader(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return None, None
        size, depth = node_size(node) if '&' in text else (0, 0)
        if depth > MAX_DEPTH:
            return None, 'is nested more than %d levels deep' % MAX_DEPTH
        if size > MAX_NODES:
            return None, ('expands to more than %d values (aliases): refused, a tenant '
                          'file is far smaller' % MAX_NODES)
        return parser.construct_document(node), None
    finally:
        parser.dispose()


def load_text(text):
    """Parse *text*; return (data, error_message_or_None)."""
    if len(text.encode('utf-8')) > MAX_BYTES:
        return None, 'is larger than %d KiB: refused before parsing' % (MAX_BYTES // 1024)
    flow, indent = text_depth(text)
    if flow > MAX_DEPTH or indent > 4 * MAX_DEPTH:
        return None, ('is nested more than %d levels deep: refused before parsing'
                      % MAX_DEPTH)
    try:
        return _bounded(text, FastLoader)
    except yaml.YAMLError:
        pass
    try:  # the same text again, for a message that does not depend on libyaml
        return _bounded(text, StrictLoader)
    except yaml.YAMLError as exc:
        return None, yaml_error_text(exc, text)


def load_file(path):
    """Read and parse *path*; return (data, error_message_or_None)."""
    try:
        with open(path, 'rb') as handle:
            raw = handle.read(MAX_BYTES + 1)
    except (IOError, OSError) as exc:
        return None, 'cannot read file: %s' % (exc.strerror or exc)
    if len(raw) > MAX_BYTES:
        return None, 'is larger than %d KiB: refused before parsing' % (MAX_BYTES // 1024)
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        return None, 'is not UTF-8 text (byte %d)' % exc.start
    return load_text(text)
