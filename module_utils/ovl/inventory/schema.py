# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Validate one tenant document with the JSON Schema; errors as text.

``schema_errors(schema, data) -> ['endpoints[1].ip: ... reason', ...]``
(field path first, then the value and what is allowed), sorted.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import json

from ansible.module_utils.ovl.inventory.yaml_file import key_text, value_text

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


_VALIDATORS = {}


def strict_validator():
    """Draft 7 with "integer" meaning an int, not a float with no fraction
    (JSON Schema counts 1.0 as an integer; `vni: 1.0` in YAML is a typo).
    The class is built once per process (building it costs ~2.7 ms, more than
    validating a tenant file with it)."""
    if 'strict' not in _VALIDATORS:
        checker = jsonschema.Draft7Validator.TYPE_CHECKER.redefine(
            'integer', lambda _checker, value: isinstance(value, int) and not isinstance(value, bool))
        _VALIDATORS['strict'] = jsonschema.validators.extend(jsonschema.Draft7Validator,
                                                             type_checker=checker)
    return _VALIDATORS['strict']


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


def key_label(key):
    """A key as it can be shown on one line: plain keys as they are, other
    strings (spaces, newlines, quotes) quoted, anything else as YAML text
    (``2001-01-01``, ``1.5``, ``true``, ``null``), never a Python repr."""
    return key_text(key)


def show(value):
    """A value on one line: strings quoted, anything else as YAML text."""
    return value_text(value)


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
        unknown = sorted((k for k in error.instance if k not in allowed), key=str)
        out = []
        for key in unknown[:MAX_LINES]:   # the rest are only counted (by schema_check)
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            out.append('%s: unknown key%s (allowed here: %s)' % (
                field_path(where + [key_label(key)]),
                " - did you mean '%s'?" % hint[0] if hint else '',
                ', '.join(allowed)))
        if len(unknown) > MAX_LINES:
            out.append('%s: %d more unknown keys'
                       % (field_path(where) or '(top level)', len(unknown) - MAX_LINES))
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


MAX_LINES = 100   # error lines reported per file; the rest are counted
MAX_FOUND = 1000  # schema errors looked for per file; validation stops there


def _order(error):
    return ([(0, p, '') if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path],
            error.validator)


def clean(data, found):
    """*data* without the parts that failed the schema: a bad top-level
    field is dropped, an endpoint with any bad field is dropped, unknown keys
    are dropped; what is left is checked further (so one schema error never
    hides the file's other errors)."""
    data = dict((k, v) for k, v in data.items() if isinstance(k, str))
    bad_keys, bad_endpoints, strip = set(), set(), {}
    for error in found:
        path = list(error.absolute_path)
        unknown = error.validator == 'additionalProperties'
        if unknown and not path:
            allowed = error.schema.get('properties', {})
            bad_keys.update(k for k in list(data) if k not in allowed)
        elif path[:1] == ['endpoints'] and len(path) > 1 and isinstance(path[1], int):
            if unknown and len(path) == 2:
                strip[path[1]] = set(error.schema.get('properties', {}))
            else:
                bad_endpoints.add(path[1])
        elif path:
            bad_keys.add(path[0])
    out = dict((k, v) for k, v in data.items() if k not in bad_keys)
    if isinstance(out.get('endpoints'), list) and (bad_endpoints or strip):
        out['endpoints'] = [
            dict((k, v) for k, v in ep.items() if k in strip[i]) if i in strip else ep
            for i, ep in enumerate(out['endpoints']) if i not in bad_endpoints]
    return out


def _found(validator, data):
    """(up to MAX_FOUND schema errors of *data*, whether validation stopped
    there): 50000 bad items of a list cost jsonschema ~7 s; 1000, ~0.15 s."""
    found = []
    for error in validator.iter_errors(data):
        if len(found) == MAX_FOUND:
            return found, True
        found.append(error)
    return found, False


def schema_check(schema, data):
    """(error lines, the schema-valid part of *data*). When validation
    stopped at MAX_FOUND errors, nothing of the file is checked further (the
    part not validated is unknown; the file is refused anyway)."""
    validator = strict_validator()(schema)
    found, stopped = _found(validator, data)
    found.sort(key=_order)
    lines, seen = [], set()
    for error in found:
        for line in _messages(error):
            if line not in seen:
                seen.add(line)
                lines.append(line)
    if stopped:
        return lines[:MAX_LINES] + ['(more errors in this file not shown: checking stopped '
                                    'after %d)' % MAX_FOUND], {}
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + ['(%d more errors in this file not shown)'
                                     % (len(lines) - MAX_LINES)]
    return lines, clean(data, found)
