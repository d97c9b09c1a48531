#!/usr/bin/env bash
# The collection ovl.overlay (galaxy.yml) from this repository, offline.
#
#   scripts/collection.sh [build] [OUTDIR]   stage the tree, build OUTDIR/ovl-overlay-<version>.tar.gz
#                                            (default OUTDIR .cache/collection); prints the tarball
#   scripts/collection.sh install DIR        build, then install the tarball into DIR (a collections
#                                            path, offline); prints DIR/ansible_collections/ovl/overlay
#
# The tree is the repository laid out as a collection (mechanical copies; only
# names are rewritten, so a defect found in the collection is a defect of the
# real file): library/*.py -> plugins/modules/, module_utils/ovl ->
# plugins/module_utils/ovl, filter_plugins/ -> plugins/filter/, doc_fragments/ ->
# plugins/doc_fragments/, site.yml and playbooks/ -> playbooks/ (not the lab's
# playbooks/verify/), roles/, schema/ (the overlay_inventory role reads it
# through role_path), docs/, README.md, LICENSE, galaxy.yml,
# scripts/sanity-ignore-2.19.txt -> tests/sanity/ignore-2.19.txt. Rewrites:
# module_utils imports to ansible_collections.ovl.overlay.plugins.module_utils;
# in roles, playbooks and the modules' EXAMPLES the project's modules (task
# keys, module_defaults), roles and filters to FQCN (ovl.overlay.NAME); in the
# modules' docs the fragment and module references (M(x), seealso) to FQCN.
# The repository itself keeps its short names.
#
# OVL_VENV: the venv whose ansible-galaxy and python (PyYAML) run this
# (default .venv; scripts/sanity.sh passes its own).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${OVL_VENV:-$ROOT/.venv}
unset ANSIBLE_CONFIG   # the project's ansible.cfg (library paths) has no say here

stage() {
    local tree=$1
    rm -rf "$tree"
    mkdir -p "$tree"/plugins/{modules,module_utils,doc_fragments,filter} "$tree"/{meta,playbooks,tests/sanity}
    cp "$ROOT"/library/*.py "$tree/plugins/modules/"
    cp -r "$ROOT/module_utils/ovl" "$tree/plugins/module_utils/"
    cp "$ROOT"/doc_fragments/*.py "$tree/plugins/doc_fragments/"
    cp "$ROOT"/filter_plugins/*.py "$tree/plugins/filter/"
    cp "$ROOT/site.yml" "$tree/playbooks/"
    find "$ROOT/playbooks" -mindepth 1 -maxdepth 1 ! -name verify -exec cp -r {} "$tree/playbooks/" \;
    cp -r "$ROOT/roles" "$ROOT/schema" "$ROOT/docs" "$tree/"
    cp "$ROOT/README.md" "$ROOT/LICENSE" "$ROOT/galaxy.yml" "$tree/"
    cp "$ROOT/scripts/sanity-ignore-2.19.txt" "$tree/tests/sanity/ignore-2.19.txt"
    printf 'requires_ansible: ">=2.19.0"\n' > "$tree/meta/runtime.yml"
    find "$tree" \( -name __pycache__ -o -name '*.pyc' \) -prune -exec rm -rf {} +
    local modules
    modules=$(cd "$ROOT/library" && ls *.py | sed 's/\.py$//' | paste -sd'|')
    find "$tree/plugins" -name '*.py' -exec sed -i -E \
        -e 's/ansible\.module_utils\.ovl([. ])/ansible_collections.ovl.overlay.plugins.module_utils.ovl\1/g' \
        -e 's/^(extends_documentation_fragment:.*)\bovl_ovsdb\b/\1ovl.overlay.ovl_ovsdb/' \
        -e "s/M\(($modules)\)/M(ovl.overlay.\1)/g" \
        -e "s/^( *- module: )($modules)\$/\1ovl.overlay.\2/" {} +
    "$VENV/bin/python" - "$tree" <<'EOF'
"""FQCN for the project's modules, roles and filters in the tree's YAML (roles,
playbooks) and in the modules' EXAMPLES. Places are found by parsing, so only
task keys, module_defaults keys and role names change (an option that happens
to be called like a module stays); each rewritten text must load to the same
data as before once the prefix is taken off again."""
import ast
import glob
import os
import re
import sys

import yaml

TREE = sys.argv[1]
NS = 'ovl.overlay.'
MODULES = set(os.path.basename(p)[:-3] for p in glob.glob(TREE + '/plugins/modules/*.py'))
ROLES = set(os.listdir(TREE + '/roles'))
TASK_LISTS = ('tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always')
PLAY_KEYS = ('hosts', 'import_playbook', 'ansible.builtin.import_playbook')
INCLUDE_ROLE = ('include_role', 'import_role', 'ansible.builtin.include_role', 'ansible.builtin.import_role')


def filter_names():
    names = set()
    for path in glob.glob(TREE + '/plugins/filter/*.py'):
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.FunctionDef) and node.name == 'filters':
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                        names.update(k.value for k in ret.value.keys)
    return names


FILTERS = '|'.join(sorted(filter_names(), key=len, reverse=True))
FILTER_RES = (re.compile(r'(\|\s*)(%s)\b' % FILTERS),                        # x | name(...)
              re.compile(r'''(\b(?:map|select|reject)\(\s*['"])(%s)\b''' % FILTERS))  # map('name')


def scalar(node, names, out):
    if isinstance(node, yaml.ScalarNode) and node.value in names and not node.style:
        out.append((node.start_mark.index, node.end_mark.index))


def defaults(node, out):
    for mapping in node.value if isinstance(node, yaml.SequenceNode) else [node]:
        for key, _ in mapping.value:
            scalar(key, MODULES, out)


def task(node, out):
    for key, value in node.value:
        scalar(key, MODULES, out)
        if key.value in TASK_LISTS:
            tasks(value, out)
        elif key.value == 'module_defaults':
            defaults(value, out)
        elif key.value in INCLUDE_ROLE and isinstance(value, yaml.MappingNode):
            for rkey, rvalue in value.value:
                if rkey.value == 'name':
                    scalar(rvalue, ROLES, out)


def play(node, out):
    for key, value in node.value:
        if key.value in TASK_LISTS:
            tasks(value, out)
        elif key.value == 'module_defaults':
            defaults(value, out)
        elif key.value == 'roles' and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                scalar(item, ROLES, out)
                for rkey, rvalue in item.value if isinstance(item, yaml.MappingNode) else []:
                    if rkey.value in ('role', 'name'):
                        scalar(rvalue, ROLES, out)


def tasks(node, out):
    """A task list, or a playbook (its items have hosts or import_playbook)."""
    for item in node.value if isinstance(node, yaml.SequenceNode) else []:
        if not isinstance(item, yaml.MappingNode):
            continue
        if any(key.value in PLAY_KEYS for key, _ in item.value):
            play(item, out)
        else:
            task(item, out)


def strip(data):
    if isinstance(data, dict):
        return dict((strip(k), strip(v)) for k, v in data.items())
    if isinstance(data, list):
        return [strip(v) for v in data]
    return data.replace(NS, '') if isinstance(data, str) else data


def rewrite(original, where):
    text, out = original, []
    for doc in yaml.compose_all(text):
        tasks(doc, out)
    for start, end in sorted(out, reverse=True):
        text = text[:start] + NS + text[start:end] + text[end:]
    for regex in FILTER_RES:
        text = regex.sub(lambda m: m.group(1) + NS + m.group(2), text)
    assert strip(list(yaml.safe_load_all(text))) == strip(list(yaml.safe_load_all(original))), \
        '%s: the FQCN rewrite changed more than names' % where
    return text


for path in glob.glob(TREE + '/playbooks/**/*.yml', recursive=True) \
        + glob.glob(TREE + '/roles/*/tasks/**/*.yml', recursive=True) \
        + glob.glob(TREE + '/roles/*/handlers/**/*.yml', recursive=True):
    with open(path) as handle:
        text = handle.read()
    with open(path, 'w') as handle:
        handle.write(rewrite(text, path))
for path in glob.glob(TREE + '/plugins/modules/*.py'):
    with open(path) as handle:
        text = handle.read()
    match = re.search(r"^EXAMPLES = r'''\n(.*?)^'''", text, re.S | re.M)
    if match:
        text = text[:match.start(1)] + rewrite(match.group(1), path + ' EXAMPLES') + text[match.end(1):]
        with open(path, 'w') as handle:
            handle.write(text)
EOF
}

build() {
    local out=$1 tree=$1/tree/ansible_collections/ovl/overlay version
    stage "$tree"
    version=$("$VENV/bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' \
        "$tree/galaxy.yml")
    "$VENV/bin/ansible-galaxy" collection build --force --output-path "$out" "$tree" >/dev/null
    echo "$out/ovl-overlay-$version.tar.gz"
}

case ${1:-build} in
    build) build "$(mkdir -p "${2:-$ROOT/.cache/collection}" && cd "${2:-$ROOT/.cache/collection}" && pwd)" ;;
    install)
        dir=$(mkdir -p "$2" && cd "$2" && pwd)
        tarball=$(build "$(mkdir -p "$ROOT/.cache/collection" && cd "$ROOT/.cache/collection" && pwd)")
        # --offline: a tarball with no dependencies needs no Galaxy server
        ANSIBLE_COLLECTIONS_PATH=$dir "$VENV/bin/ansible-galaxy" collection install --offline --force \
            -p "$dir" "$tarball" >/dev/null
        echo "$dir/ansible_collections/ovl/overlay" ;;
    *) echo "usage: $0 [build [OUTDIR] | install DIR]" >&2; exit 2 ;;
esac
