"""The verify reads every tenant default from the validated model (the
``overlay_tenants`` result the product itself uses), never recomputes one:
it once computed a tenant's MTU as 1500 - overhead in Jinja while the
product takes the smallest underlay MTU of the tenant's hosts (issue 19)."""
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VERIFY = os.path.join(ROOT, 'playbooks', 'verify')
MODEL_FIELDS = ('mtu', 'snat', 'tunnel_type', 'vni', 'subnet', 'gateway', 'prefixlen')


def verify_texts():
    for name in sorted(os.listdir(VERIFY)):
        if name.endswith('.yml'):
            with open(os.path.join(VERIFY, name)) as handle:
                yield name, '\n'.join(line for line in handle.read().splitlines()
                                       if not line.lstrip().startswith('#'))


def test_the_tenants_come_from_the_model():
    with open(os.path.join(VERIFY, 'prepare.yml')) as handle:
        tasks = yaml.safe_load(handle)
    roles = [t['ansible.builtin.include_role']['name'] for t in tasks
             if 'ansible.builtin.include_role' in t]
    assert roles == ['overlay_inventory']
    facts = [t['ansible.builtin.set_fact'] for t in tasks if 'ansible.builtin.set_fact' in t]
    assert any(f.get('ovl_v_tenants') == '{{ overlay_inventory.tenants }}' for f in facts)


def test_no_tenant_file_is_read_and_no_default_recomputed():
    for name, text in verify_texts():
        assert 'overlay_tenants_dir' not in text, name
        for field in MODEL_FIELDS:
            found = re.search(r'\.%s\s*\|\s*default\(' % field, text)
            assert found is None, '%s: %s' % (name, found.group(0))
        assert 'overhead' not in text, name


def test_the_check_sees_a_recomputed_default():
    text = "'mtu': item.0.mtu | default(1500 - 50)"
    assert re.search(r'\.%s\s*\|\s*default\(' % 'mtu', text)


def test_the_verify_enters_an_endpoint_where_its_kind_puts_it():
    """Every ``ip netns exec`` of the verify takes the endpoint's ``netns``
    (``overlay_endpoints``: by its kind), never its name."""
    sites = 0
    for name, text in verify_texts():
        for found in re.finditer(r'exec[",\s-]*"\{\{ (item(?:\.0)?)\.(\w+) \}\}"', text):
            assert found.group(2) == 'netns', '%s: %s' % (name, found.group(0))
            sites += 1
    assert sites >= 6
