#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
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
    The host and play variables of every host of overlay_hosts are validated in the same
    run (O(hosts), O(play)), and reported in the same list, each message naming the host,
    the variable and the value, e.g. C(host2: overlay_underlay_mtu: 0 is outside 68-65535).
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
      - Every host of overlay_hosts (the whole group, also under C(--limit)) mapped to the
        C(overlay_*) host and play variables set for it (build it with the
        C(overlay_hostvars) filter).
      - Each variable of each host is validated on its own and defaulted as the README
        documents (C(overlay_underlay_mtu) 1500, C(overlay_datapath_type) system,
        C(overlay_integration_bridge) br-int); only null means unset. Across hosts the
        underlay addresses must be unique and differ in their last 24 bits, and every host
        must use the same C(overlay_tunnel_mode).
    type: dict
    required: true
  play:
    description:
      - Play-level values (C(overlay_tunnel_mode), C(overlay_nat_backend), C(overlay_owner))
        used for a host that does not set its own, as the validation task sees them (extra
        vars, play vars or the role defaults).
    type: dict
    default: {}
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
    description: The module only reads files; check mode runs and returns the same.
  diff_mode:
    support: none
    description: Returns no diff (nothing is changed).
requirements: [PyYAML, jsonschema]
author: ovl maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Load the tenant inventory
  overlay_tenants:
    tenants_dir: "{{ inventory_dir }}/tenants"
    base_dir: "{{ playbook_dir }}"
    hosts: "{{ hostvars | overlay_hostvars(groups['overlay_hosts']) }}"
    play: {overlay_tunnel_mode: flow}
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
  contains:
    file:
      description: The tenant's file, relative to O(base_dir) (absolute when outside it), or
        joined to O(tenants_dir) as given when O(base_dir) is not set.
      returned: success
      type: str
      sample: inventory/tenants/blue.yml
hosts:
  description:
    - Every host of overlay_hosts with its validated and defaulted variables.
      C(underlay_interface) is null when the variable is not set (the host's preflight finds
      the interface holding C(underlay_ip)).
  returned: success
  type: dict
  sample:
    host1: {name: host1, underlay_ip: 192.168.250.11, underlay_mtu: 1500,
            underlay_interface: null, datapath_type: netdev, integration_bridge: br-int,
            tunnel_mode: port, nat_backend: iptables, owner: ovl}
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
from ansible.module_utils.ovl.inventory.load import find_schema, load_inventory
from ansible.module_utils.ovl.inventory.schema import HAS_JSONSCHEMA, load_schema
from ansible.module_utils.ovl.inventory.yaml_file import HAS_YAML


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tenants_dir=dict(type='path', required=True),
            hosts=dict(type='dict', required=True),
            play=dict(type='dict', default={}),
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
    inventory, errors = load_inventory(params['tenants_dir'], params['hosts'], schema,
                                       base_dir=params['base_dir'], play=params['play'])
    if errors:
        module.fail_json(msg='\n'.join(errors), errors=errors, changed=False)
    result = inventory.as_result()
    module.exit_json(changed=False, tenant_names=[t.name for t in inventory.tenants], **result)


if __name__ == '__main__':
    main()
