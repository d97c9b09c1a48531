#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Read, validate and normalise the tenant inventory (run on the controller)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: overlay_tenants
short_description: Load and validate every tenant file of the overlay inventory
description:
  - >-
    Reads every C(*.yml)/C(*.yaml) file of O(tenants_dir) (hidden files skipped), validates
    each with the JSON Schema C(schema/tenant.schema.json) (C(jsonschema) package) and then
    across files (VNI and names unique, endpoint names unique per host, addresses inside the
    subnet, gateway, hosts of overlay_hosts, MTU not above underlay MTU - 50).
  - >-
    On any error the module fails with B(all) messages at once, one per line, each as
    C(<file>: <field>: <value> <reason>), for example
    C(inventory/tenants/red.yml: vni: 100 is already used by tenant blue (inventory/tenants/blue.yml)).
    Malformed YAML is reported as C(<file>: line 3: <yaml error>).
  - >-
    Changes nothing; run it with C(delegate_to: localhost) and C(run_once: true).
version_added: "0.1.0"
options:
  tenants_dir:
    description: Directory holding one file per tenant.
    type: path
    required: true
  hosts:
    description:
      - Every host of overlay_hosts (the whole group, also under C(--limit)) mapped to its
        facts C({underlay_ip, underlay_mtu}); C(overlay_underlay_ip)/C(overlay_underlay_mtu)
        spellings are accepted too. C(underlay_mtu) defaults to 1500.
    type: dict
    required: true
  base_dir:
    description: File names in messages and in RV(tenants[].file) are shown relative to this
      directory (the playbook or inventory directory). Default is O(tenants_dir) as given.
    type: path
  schema:
    description: The JSON Schema file. Default is C(schema/tenant.schema.json) in O(tenants_dir)
      or its nearest parent directory holding one, else the same search from O(base_dir).
    type: path
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
requirements: [PyYAML, jsonschema]
author: ovl maintainers
'''

EXAMPLES = r'''
- name: Load the tenant inventory
  overlay_tenants:
    tenants_dir: "{{ inventory_dir }}/tenants"
    base_dir: "{{ playbook_dir }}"
    hosts: "{{ hostvars | overlay_hostvars(groups['overlay_hosts']) }}"
  delegate_to: localhost
  run_once: true
  register: overlay
'''

RETURN = r'''
tenants:
  description: Normalised tenants sorted by name; endpoints sorted by (name, host).
  returned: success
  type: list
  elements: dict
  sample:
    - {name: blue, vni: 100, subnet: 10.0.0.0/24, prefixlen: 24, gateway: 10.0.0.1,
       snat: true, mtu: 1450, hosts: [host1, host2], file: inventory/tenants/blue.yml,
       endpoints: [{name: blue-web1, host: host1, ip: 10.0.0.11, prefixlen: 24}]}
tenant_names:
  description: Names of the tenants, sorted.
  returned: success
  type: list
  elements: str
errors:
  description: Every validation error, one line each (also joined in msg).
  returned: failure
  type: list
  elements: str
'''

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.ovl.tenant.inventory import find_schema, load_tenants
from ansible.module_utils.ovl.tenant.schema import HAS_JSONSCHEMA, load_schema
from ansible.module_utils.ovl.tenant.yaml_file import HAS_YAML


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tenants_dir=dict(type='path', required=True),
            hosts=dict(type='dict', required=True),
            base_dir=dict(type='path'),
            schema=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    for ok, lib in ((HAS_YAML, 'PyYAML'), (HAS_JSONSCHEMA, 'jsonschema')):
        if not ok:
            module.fail_json(msg=missing_required_lib(lib), changed=False)
    params = module.params
    schema_path = (params['schema'] or find_schema(params['tenants_dir'])
                   or (params['base_dir'] and find_schema(params['base_dir'])))
    if not schema_path:
        module.fail_json(msg='schema/tenant.schema.json not found above %s; set the schema option'
                         % params['tenants_dir'], changed=False)
    try:
        schema = load_schema(schema_path)
    except (IOError, OSError, ValueError) as exc:
        module.fail_json(msg='%s: cannot load the JSON Schema: %s' % (schema_path, exc),
                         changed=False, exception=traceback.format_exc())
    tenants, errors = load_tenants(params['tenants_dir'], params['hosts'], schema,
                                   base_dir=params['base_dir'])
    if errors:
        module.fail_json(msg='\n'.join(errors), errors=errors, changed=False)
    module.exit_json(changed=False, tenants=tenants,
                     tenant_names=[t['name'] for t in tenants])


if __name__ == '__main__':
    main()
