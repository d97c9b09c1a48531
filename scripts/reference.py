#!/usr/bin/env python3
"""docs/reference.md, generated from the sources that the code itself reads,
so the reference cannot drift from them:

- tenant file fields: schema/tenant.schema.json (what validation applies);
- host and play variables: roles/*/meta/argument_specs.yml (what
  `ansible-doc -t role` renders); a test also checks that every variable the
  validation knows (ovl.inventory.hostvars) is documented there;
- modules: each module's DOCUMENTATION (with its doc fragments);
- marks: module_utils/ovl/core/marks.py, each constant with its comment;
- limits of a tenant file: the MAX_* constants of ovl.inventory.yaml_file.

    scripts/reference.py            # print it
    scripts/reference.py --write    # write docs/reference.md (make reference)
    scripts/reference.py --check    # exit 1 when docs/reference.md is out of date
"""
import ast
import glob
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'docs', 'reference.md')


def plain(text):
    """Ansible doc markup to Markdown: C(x) O(x) V(x) -> `x`, M(x) I(x) B(x) -> x."""
    if isinstance(text, (list, tuple)):
        text = ' '.join(str(t) for t in text)
    text = ' '.join(str(text if text is not None else '').split())
    out, i = [], 0
    while i < len(text):
        for mark, wrap in (('RV(', '`'), ('C(', '`'), ('O(', '`'), ('V(', '`'), ('M(', ''),
                           ('I(', ''), ('B(', '')):
            if text.startswith(mark, i) and (i == 0 or not text[i - 1].isalnum()):
                end = text.find(')', i)
                if end > 0:
                    out.append(wrap + text[i + len(mark):end] + wrap)
                    i = end + 1
                    break
        else:
            out.append(text[i])
            i += 1
    return ''.join(out).replace('|', '\\|')


def table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    return lines + ['| ' + ' | '.join(row) + ' |' for row in rows]


def constraint(spec):
    parts = []
    if 'enum' in spec:
        parts.append('one of ' + ', '.join('`%s`' % v for v in spec['enum']))
    if 'minimum' in spec or 'maximum' in spec:
        parts.append('%s-%s' % (spec.get('minimum', ''), spec.get('maximum', '')))
    if 'minLength' in spec:
        parts.append('at least %d characters' % spec['minLength'])
    return '; '.join(parts)


def schema_section():
    with open(os.path.join(ROOT, 'schema', 'tenant.schema.json')) as handle:
        schema = json.load(handle)
    lines = ['## Tenant file (`inventory/tenants/<name>.yml`)', '',
             'From `schema/tenant.schema.json`. ' + plain(schema.get('description', '')), '']
    rows = []

    def resolved(spec):
        """*spec* with its ``$ref`` (``#/definitions/NAME``) filled in."""
        if '$ref' not in spec:
            return spec
        target = schema['definitions'][spec['$ref'].rsplit('/', 1)[1]]
        return dict(target, **dict((k, v) for k, v in spec.items() if k != '$ref'))

    def walk(props, required, prefix):
        for name, spec in props.items():
            spec = resolved(spec)
            kind = spec.get('type', '')
            rows.append(['`%s%s`' % (prefix, name), kind, 'yes' if name in required else 'no',
                         plain(constraint(spec)), plain(spec.get('description', ''))])
            items = spec.get('items') or {}
            if items.get('properties'):
                walk(items['properties'], items.get('required', []), prefix + name + '[].')
            if spec.get('properties'):
                walk(spec['properties'], spec.get('required', []), prefix + name + '.')
    walk(schema['properties'], schema.get('required', []), '')
    return lines + table(['field', 'type', 'required', 'values', 'meaning'], rows)


def role_vars():
    """{variable: (spec, [roles])} over every role's argument specs."""
    found = {}
    for path in sorted(glob.glob(os.path.join(ROOT, 'roles', '*', 'meta', 'argument_specs.yml'))):
        role = path.split(os.sep)[-3]
        with open(path) as handle:
            specs = yaml.safe_load(handle)['argument_specs']
        for entry in specs.values():
            for name, spec in (entry.get('options') or {}).items():
                found.setdefault(name, (spec, []))[1].append(role)
    return found


def vars_section():
    rows = []
    for name, (spec, roles) in sorted(role_vars().items()):
        default = spec.get('default')
        rows.append(['`%s`' % name, spec.get('type', 'str'),
                     '' if default is None else '`%s`' % (json.dumps(default)
                                                         if not isinstance(default, str)
                                                         else default),
                     plain(spec.get('description', '')), ', '.join(roles)])
    return ['## Host and play variables', '',
            'From the roles\' argument specs (`roles/*/meta/argument_specs.yml`; '
            '`ansible-doc -t role -r roles NAME` renders them). Validated on the '
            'controller before any host task, each error naming host, variable and value.',
            ''] + table(['variable', 'type', 'default', 'meaning', 'roles'], rows)


def literal(path, name):
    """The string constant *name* of a Python file, without importing it."""
    with open(path) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == name
                                                for t in node.targets):
            return ast.literal_eval(node.value)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(getattr(t, 'id', None) == name
                                                        for t in item.targets):
                    return ast.literal_eval(item.value)
    return None


def module_doc(path):
    doc = yaml.safe_load(literal(path, 'DOCUMENTATION'))
    for fragment in doc.get('extends_documentation_fragment') or []:
        frag = yaml.safe_load(literal(os.path.join(ROOT, 'doc_fragments', fragment + '.py'),
                                      'DOCUMENTATION'))
        doc.setdefault('options', {}).update(frag.get('options') or {})
    return doc


def option_rows(options, prefix=''):
    rows = []
    for name, spec in sorted((options or {}).items()):
        default = spec.get('default')
        rows.append(['`%s%s`' % (prefix, name),
                     spec.get('type', 'str') + ('/' + spec['elements'] if spec.get('elements')
                                                else ''),
                     'yes' if spec.get('required') else 'no',
                     '' if default is None else '`%s`' % json.dumps(default),
                     ', '.join('`%s`' % c for c in spec.get('choices') or []),
                     plain(spec.get('description', ''))])
        rows += option_rows(spec.get('suboptions'), prefix + name + '.')
    return rows


def modules_section():
    lines = ['## Modules', '',
             'From each module\'s documentation (`ansible-doc -M library NAME` renders the '
             'same, with examples and return values).']
    for path in sorted(glob.glob(os.path.join(ROOT, 'library', '*.py'))):
        doc = module_doc(path)
        lines += ['', '### `%s`' % doc['module'], '', plain(doc.get('short_description', '')),
                  '']
        lines += table(['option', 'type', 'required', 'default', 'choices', 'meaning'],
                       option_rows(doc.get('options')))
    return lines


def commented_constants(path):
    """[(name, value, comment)] of the top-level UPPER_CASE constants of
    *path*, each with the comment lines right above it (or on its line)."""
    with open(path) as handle:
        source = handle.read()
    lines = source.splitlines()
    out, last = [], None
    for node in ast.parse(source).body:
        if not isinstance(node, ast.Assign):
            continue
        names = [t.id for t in node.targets if isinstance(t, ast.Name)] or [
            e.id for t in node.targets if isinstance(t, ast.Tuple) for e in t.elts]
        if not names or not all(n.isupper() for n in names):
            continue
        try:
            value = number(node.value)
        except ValueError:
            continue
        comment, row = [], node.lineno - 2
        while row >= 0 and lines[row].strip().startswith('#'):
            comment.insert(0, lines[row].strip().lstrip('#').strip())
            row -= 1
        if not comment and last is not None and row >= 0 and lines[row].strip() and \
                row == last[0]:
            comment = last[1]       # the comment of a block of constants holds for each
        last = (node.end_lineno - 1, comment)
        tail = lines[node.lineno - 1].partition('#')[2].strip()
        values = value if len(names) > 1 else (value,)
        for name, val in zip(names, values):
            out.append((name, val, ' '.join(comment + ([tail] if tail else []))))
    return out


def number(node):
    """ast.literal_eval, and products and sums of numbers (1024 * 1024)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add)):
        left, right = number(node.left), number(node.right)
        if isinstance(left, int) and isinstance(right, int):
            return left * right if isinstance(node.op, ast.Mult) else left + right
        raise ValueError('not a number')
    return ast.literal_eval(node)


def show(value):
    return '`%s`' % (hex(value) if isinstance(value, int) and value > 0xffff else value)


def marks_section():
    rows = [['`%s`' % n, show(v), plain(c)] for n, v, c in commented_constants(
        os.path.join(ROOT, 'module_utils', 'ovl', 'core', 'marks.py'))]
    return ['## Marks', '',
            'From `module_utils/ovl/core/marks.py`: everything the project creates carries '
            'one of these, and pruning only ever considers marked objects.', ''] + table(
        ['constant', 'value', 'meaning'], rows)


def limits_section():
    path = os.path.join(ROOT, 'module_utils', 'ovl', 'inventory', 'yaml_file.py')
    rows = [['`%s`' % n, '`%s`' % v, plain(c)] for n, v, c in commented_constants(path)
            if n.startswith('MAX_')]
    rows.append(['cycles', '-', 'an alias inside its own anchor (a value that contains '
                 'itself) is refused, at any depth'])
    return ['## Limits of a tenant file', '',
            'From `module_utils/ovl/inventory/yaml_file.py`: a file over a limit is refused '
            'before anything changes on any host, naming the file (and the line and field '
            'where one is known).', ''] + table(['limit', 'value', 'meaning'], rows)


def render():
    lines = ['# Reference', '',
             'Generated by `scripts/reference.py` (`make reference`) from the schema, the '
             'roles\' argument specs, the modules\' documentation and the code\'s '
             'constants; `make unit` fails when this file is out of date. Do not edit it '
             'by hand.', '']
    for section in (schema_section, vars_section, limits_section, marks_section,
                    modules_section):
        lines += section() + ['']
    return '\n'.join(lines).rstrip('\n') + '\n'


def main(argv):
    text = render()
    if '--write' in argv:
        with open(OUT, 'w') as handle:
            handle.write(text)
        print('reference: wrote %s' % os.path.relpath(OUT, ROOT))
        return 0
    if '--check' in argv:
        with open(OUT) as handle:
            if handle.read() != text:
                print('reference: docs/reference.md is out of date: run make reference')
                return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
