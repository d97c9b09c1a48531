# -*- coding: utf-8 -*-
"""Validate one tenant document with the JSON Schema; errors as text.

``schema_errors(schema, data) -> ['endpoints[1].ip: ... reason', ...]``
(field path first, then the value and what is allowed), sorted.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import json

try:
    import jsonschema
    HAS_JSONSCHEMA = True
except ImportError:  # pragma: no cover - reported by the module
    jsonschema = None
    HAS_JSONSCHEMA = False

TYPE_WORDS = {
    'string': 'a string', 'integer': 'an integer', 'boolean': 'a boolean (true/false)',
    'array': 'a list', 'object': 'a mapping', 'number': 'a number', 'null': 'empty',
}


def load_schema(path):
    with open(path) as handle:
        return json.load(handle)


def field_path(parts):
    """['endpoints', 1, 'ip'] -> 'endpoints[1].ip'."""
    text = ''
    for part in parts:
        if isinstance(part, int):
            text += '[%d]' % part
        else:
            text += ('.' if text else '') + str(part)
    return text


def show(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def _type_reason(error):
    wanted = error.validator_value
    wanted = wanted if isinstance(wanted, list) else [wanted]
    reason = 'is not %s' % ' or '.join(TYPE_WORDS.get(w, w) for w in wanted)
    value = error.instance
    if 'string' in wanted and isinstance(value, (bool, int, float)):
        reason += ' (quote it: YAML reads unquoted yes/no/on/off/numbers as other types)'
    if 'integer' in wanted and isinstance(value, str) and value.strip().isdigit():
        reason += ' (remove the quotes)'
    return reason


def _messages(error):
    """One or more 'field: value reason' lines for one jsonschema error."""
    where = list(error.absolute_path)
    kind = error.validator
    if kind == 'required':
        have = error.instance if isinstance(error.instance, dict) else {}
        return ['%s: is required but missing' % field_path(where + [key])
                for key in error.validator_value if key not in have]
    if kind == 'additionalProperties':
        allowed = sorted(error.schema.get('properties', {}))
        out = []
        for key in sorted(k for k in error.instance if k not in allowed):
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            out.append('%s: unknown key%s (allowed here: %s)' % (
                field_path(where + [key]),
                " - did you mean '%s'?" % hint[0] if hint else '',
                ', '.join(allowed)))
        return out
    field = field_path(where) or '(top level)'
    if kind == 'type':
        reason = _type_reason(error)
    elif kind == 'pattern':
        reason = error.schema.get('x-message', 'does not match %s' % error.validator_value)
    elif kind in ('minimum', 'maximum'):
        reason = 'is outside %s-%s' % (error.schema.get('minimum'), error.schema.get('maximum'))
    elif kind == 'minLength':
        reason = 'is empty'
    elif kind == 'enum':
        reason = 'is not one of %s' % ', '.join(str(v) for v in error.validator_value)
    else:
        reason = error.message
    return ['%s: %s %s' % (field, show(error.instance), reason)]


def schema_errors(schema, data):
    """All schema violations of *data*, one line each, sorted by field."""
    return schema_check(schema, data)[0]


def schema_check(schema, data):
    """(error lines, structural): *structural* is False when the only
    problems are unknown keys, so the known fields can still be checked."""
    validator = jsonschema.Draft7Validator(schema)
    found = sorted(validator.iter_errors(data),
                   key=lambda e: ([(0, p, '') if isinstance(p, int) else (1, 0, str(p))
                                   for p in e.absolute_path], e.validator))
    lines = []
    for error in found:
        for line in _messages(error):
            if line not in lines:
                lines.append(line)
    return lines, any(e.validator != 'additionalProperties' for e in found)
