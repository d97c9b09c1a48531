# -*- coding: utf-8 -*-
"""Read one tenant file: YAML with duplicate-key detection, errors as text.

``load_file(path) -> (data, error)``: *error* is None or a one-line message
such as ``line 3: mapping values are not allowed here`` (never a traceback).

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


def yaml_error_text(exc):
    """'line N: problem (context)' for a YAML error."""
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    problem = getattr(exc, 'problem', None) or str(exc).splitlines()[0]
    context = getattr(exc, 'context', None)
    text = problem if not context else '%s (%s)' % (problem, context)
    if mark is not None:
        return 'line %d: %s' % (mark.line + 1, text)
    return text


def load_text(text):
    """Parse *text*; return (data, error_message_or_None)."""
    try:
        return yaml.load(text, Loader=FastLoader), None
    except yaml.YAMLError:
        pass
    try:  # the same text again, for a message that does not depend on libyaml
        return yaml.load(text, Loader=StrictLoader), None
    except yaml.YAMLError as exc:
        return None, yaml_error_text(exc)


def load_file(path):
    """Read and parse *path*; return (data, error_message_or_None)."""
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except (IOError, OSError) as exc:
        return None, 'cannot read file: %s' % (exc.strerror or exc)
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        return None, 'is not UTF-8 text (byte %d)' % exc.start
    return load_text(text)
