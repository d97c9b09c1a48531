# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read one tenant file: YAML with duplicate-key detection, errors as text.

``load_file(path) -> (data, error)``: *error* is None or a one-line message
such as ``line 3: mapping values are not allowed here`` (never a traceback).

Bounded before anything is built, so no file can exhaust the controller (the
limits are listed in the README, "Limits of a tenant file"): at most
``MAX_BYTES``, refused before parsing; then one pass over the parser's events
(``check_events``; the parser keeps its own stack and never recurses, unlike
libyaml's composer, which recursed in C until very deep nesting crashed the
process) refuses, naming the line and the top-level field:

- a document nested more than ``MAX_DEPTH`` collections deep;
- more than ``MAX_NODES`` values once aliases are expanded (an alias bomb of
  1 KB expands to millions of values, which the schema's messages printed);
- an alias inside its own anchor (``endpoints: &a [*a]``): a value that
  contains itself, which every later step would follow forever (the node
  walk before this looped, growing ~100 MiB/s).

Only then is the document composed; when it has anchors, its node graph is
walked once more (``node_size``, iterative, stops at a cycle) before anything
is constructed, so neither loader nor the duplicate-key check below can ever
meet a recursive value.

Parsed with libyaml (``CSafeLoader``) when PyYAML has it: 10x faster, which
matters at hundreds of tenant files (0.45 s -> 0.05 s for 500 on the
controller, on the critical path of every run). A file that fails is parsed
again with the pure-Python loader, so messages do not depend on libyaml; that
loader needs up to ~10 us per byte of dense YAML, so a file larger than
``PURE_MAX_BYTES`` (far above any real tenant file) gets libyaml's own
message, with its line too.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import math
import re

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - reported by the module
    yaml = None
    HAS_YAML = False

MAX_BYTES = 1024 * 1024     # bytes of a file, comments included; checked before parsing
MAX_DEPTH = 20              # levels of nested lists and mappings, the file's own mapping included
MAX_NODES = 50000           # values (keys, scalars, lists, mappings), aliases counted expanded
PURE_MAX_BYTES = 32 * 1024
LIMITS = 'see "Limits of a tenant file" in the README'
TOO_BIG = ('is larger than %d KiB, the limit of a tenant file: refused before parsing (%s)'
           % (MAX_BYTES // 1024, LIMITS))

PLAIN_KEY = re.compile(r'^(?=[_-]*[A-Za-z0-9])[A-Za-z0-9_-]{1,64}\Z')   # '-' alone is shown quoted
SHOWN = 60          # characters of a value shown in a message


# --------------------------------------------------------------- values as text
def _short(text):
    return text if len(text) <= SHOWN else text[:SHOWN - 3] + '...'


def _float_text(value):
    if math.isnan(value):
        return '.nan'
    if value in (float('inf'), float('-inf')):
        return '.inf' if value > 0 else '-.inf'
    return repr(value)


def yaml_text(value):
    """*value* as YAML would write it (``2001-01-01``, ``true``, ``null``,
    ``1.5``, ``['a', 1]``: a string single-quoted), never a Python repr."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(' ')
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bytes):
        return '!!binary ' + base64.b64encode(value).decode('ascii')
    if isinstance(value, (list, tuple)):
        return '[%s]' % ', '.join(yaml_text(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return '!!set {%s}' % ', '.join(sorted(yaml_text(item) for item in value))
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s: %s' % (yaml_text(k), yaml_text(v))
                                  for k, v in value.items())
    return str(value)           # an int


def _quoted(value):
    """A string quoted, anything else as YAML text, at most 60 characters."""
    return _short(repr(value) if isinstance(value, str) else yaml_text(value))


def value_text(value):
    """A value in a message, on one line, at most 60 characters: a string
    quoted (``'10.1.0.5'``), a top-level boolean or null as before
    (``False is not a string``: the messages of tests/data/tenants say so),
    anything else as YAML text (``2001-01-01``, ``!!binary eHk=``)."""
    return repr(value) if isinstance(value, bool) or value is None else _quoted(value)


def key_text(key):
    """A key in a message, on one line: a plain key as it is, another string
    quoted (spaces, newlines, ``'-'``), anything else as YAML text
    (``2001-01-01``, ``1.5``, ``true``, ``null``)."""
    if isinstance(key, str) and PLAIN_KEY.match(key):
        return key
    return _quoted(key)


# --------------------------------------------------------------- loaders
class _Strict(object):
    """Mixin: a safe loader that refuses duplicate keys in a mapping."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, dummy in node.value:
                if key_node.tag == 'tag:yaml.org,2002:merge':
                    continue  # '<<' may be overridden by explicit keys
                key = self.construct_object(key_node, deep=True)   # never recursive: see above
                try:
                    hash(key)
                except TypeError:
                    continue  # the base class reports unhashable keys
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        'duplicate key %s (first defined on line %d)'
                        % (_quoted(key), seen[key] + 1), key_node.start_mark)
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


# --------------------------------------------------------------- limits, on events
OPEN = 'open'       # an anchor whose collection is still being read


def _where(event, key):
    """'line N: key: ' of *event* under the top-level *key* (None: no key
    as text, or not in a mapping)."""
    return 'line %d: %s' % (event.start_mark.line + 1, key_text(key) + ': ' if key else '')


def _too_deep(aliased):
    return 'is nested more than %d levels deep%s (the limit of a tenant file; %s)' % (
        MAX_DEPTH, ' once aliases are expanded' if aliased else '', LIMITS)


def _too_many(aliased):
    what = ('expands to more than %d values once aliases are expanded' if aliased
            else 'holds more than %d values')
    return '%s (the limit of a tenant file; %s)' % (what % MAX_NODES, LIMITS)


def _biggest(fields, total, event):
    """(event, key) to name for too many values: the top-level field that
    holds the most of them, of *fields* ([values before its key, its key's
    event, its key]; the last one still open, named at *event*), else at
    its key."""
    counts = [(end[0] - start[0], -index) for index, (start, end) in
              enumerate(zip(fields, fields[1:] + [[total]]))]
    index = -max(counts)[1]
    return (event if index == len(fields) - 1 else fields[index][1]), fields[index][2]


def check_events(events):
    """None, or why the first document of *events* (a parser's events) must
    not be composed: 'line N: field: ...'. Every value is counted with each
    alias expanded (an alias adds the values and the depth of its anchor's
    value, known once that value ends), without building anything; stops at
    the first problem. An alias met while its anchor's collection is still
    open is inside it: a cycle (and the only way to make one, since an alias
    can only name an anchor read before it). A repeated anchor is refused
    here too; an undefined alias counts as one value (the composer names it).
    One loop, dispatched on the event's class: ~1.5 us an event."""
    anchors, lines = {}, {}        # anchor -> (values, depth) or OPEN; its line
    frames = []                    # open collections: [anchor, mapping?, children, values, depth]
    fields = [[0, None, None]]     # top-level fields: [values before its key, key event, label]
    total, aliased = 0, False
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    starts = {yaml.SequenceStartEvent: False, yaml.MappingStartEvent: True}
    for event in events:
        kind = type(event)
        if kind in ends:
            anchor, _mapping, _children, size, below = frames.pop()
            if anchor is not None:
                anchors[anchor] = (size, below + 1)
            if frames:
                frames[-1][3] += size
                frames[-1][4] = max(frames[-1][4], below + 1)
            continue
        if kind is not scalar and kind is not alias and kind not in starts:
            if kind in (yaml.DocumentEndEvent, yaml.StreamEndEvent):
                return None
            continue                                    # stream and document start
        if frames:
            parent = frames[-1]
            if len(frames) == 1 and parent[1] and not parent[2] % 2:     # a top-level key
                fields.append([total, event, event.value if kind is scalar else None])
            parent[2] += 1
        if kind is alias:
            known = anchors.get(event.anchor, (1, 0))
            if known == OPEN:
                return _where(event, fields[-1][2]) + (
                    'the alias *%s refers to a value that contains itself (anchor &%s on line %d)'
                    % (event.anchor, event.anchor, lines[event.anchor]))
            size, depth = known
            aliased = True
        else:
            if event.anchor in anchors:
                return _where(event, fields[-1][2]) + (
                    'the anchor &%s is defined twice (first on line %d)'
                    % (event.anchor, lines[event.anchor]))
            size, depth = 1, int(kind is not scalar)
            if event.anchor is not None:
                anchors[event.anchor] = (1, 0) if kind is scalar else OPEN
                lines[event.anchor] = event.start_mark.line + 1
        if len(frames) + depth > MAX_DEPTH:
            return _where(event, fields[-1][2]) + _too_deep(kind is alias)
        total += size
        if total > MAX_NODES:
            return _where(*_biggest(fields, total, event)) + _too_many(aliased)
        if kind is not scalar and kind is not alias:
            frames.append([event.anchor, starts[kind], 0, 1, 0])
        elif frames:
            frames[-1][3] += size
            if depth:
                frames[-1][4] = max(frames[-1][4], depth)
    return None


def _events(parser):
    return iter(parser.get_event, None)


# --------------------------------------------------------------- limits, on nodes
def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def node_size(root):
    """(values once aliases are expanded, collections nested, a node that
    contains itself or None) of a composed node graph, without expanding it:
    an iterative depth-first walk, sizes memoised per node (aliases share
    nodes). A node met again while still open is its own ancestor: the walk
    stops there with (None, None, node). It also stops, with what it has,
    once a node holds more than ``MAX_NODES`` values."""
    sizes, depths, opened, stack = {}, {}, set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            depths[key] = max([depths[id(c)] for c in children] or [0]) + \
                int(isinstance(node, yaml.CollectionNode))
            opened.discard(key)
            if sizes[key] > MAX_NODES:
                return sizes[key], depths[key], None
            continue
        if key in sizes:
            continue
        if key in opened:       # everything above its end on the stack is inside it
            return None, None, node
        opened.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)], depths[id(root)], None


def _cycle_text(node, text):
    """The message for a node that contains itself, from its marks: its line
    and, read from the text there, its anchor."""
    line = node.start_mark.line
    rest = (text.splitlines()[line:line + 1] or [''])[0][node.start_mark.column:]
    anchor = re.match(r'&(\S+)', rest)
    return 'line %d: a value that contains itself%s' % (
        line + 1, ' (anchor &%s)' % anchor.group(1).rstrip(',]}') if anchor else '')


# --------------------------------------------------------------- loading
def _bounded(text, loader):
    """Check the events of *text*, then compose with *loader*, check the
    node graph again when it can have aliases, then construct."""
    parser = loader(text)
    try:
        problem = check_events(_events(parser))
    finally:
        parser.dispose()
    if problem is not None:
        return None, problem
    parser = loader(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return None, None
        if '&' in text:          # no anchor, no alias: the events said it all
            size, depth, loop = node_size(node)
            if loop is not None:
                return None, _cycle_text(loop, text)
            if depth > MAX_DEPTH or size > MAX_NODES:     # pragma: no cover - the events said
                return None, _too_deep(True) if depth > MAX_DEPTH else _too_many(True)
        return parser.construct_document(node), None
    finally:
        parser.dispose()


def load_text(text):
    """Parse *text*; return (data, error_message_or_None)."""
    size = len(text.encode('utf-8'))
    if size > MAX_BYTES:
        return None, TOO_BIG
    try:
        return _bounded(text, FastLoader)
    except yaml.YAMLError as exc:
        if FastLoader is StrictLoader or size > PURE_MAX_BYTES:
            return None, yaml_error_text(exc, text)
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
        return None, TOO_BIG
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        return None, 'is not UTF-8 text (byte %d)' % exc.start
    return load_text(text)
