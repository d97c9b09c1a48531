# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What ``ovl-boot.service`` runs at boot (``python3 -I boot.pyz PARAMS``,
no Ansible on the host): the host's layers converged again from the
parameters of the last ``site.yml`` run that converged it
(``ovl.host.boot``), as ``overlay_apply`` converges them: namespaces,
veths, addresses, routers and their NAT, OpenFlow rules and the tunnels of
every mode. What Open vSwitch keeps in its database is found there and left
alone. Ordered after Open vSwitch and before Docker, so the containers'
tenants are there when dockerd brings them back.

The Docker layer is not run (dockerd starts after this; its networks and
the plugin are kept by Docker and systemd) nor is the boot layer itself."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys
import time

from ansible.module_utils.ovl.core.runner import Binaries
from ansible.module_utils.ovl.host.apply import LayerInputError, apply_layers

AT_BOOT = ('ip', 'ovs', 'int_flows', 'tun_flows', 'underlay', 'forward', 'nat', 'floating', 'dhcp')


class BootModule(Binaries):
    """What the layer drivers use of an AnsibleModule: a real run, no diff."""
    check_mode = False
    _diff = False

    def __init__(self, params):
        self.params = params

    def warn(self, text):
        sys.stderr.write('ovl-boot: warning: %s\n' % text)


def boot_params(saved):
    """overlay_apply's params for the boot run, from the saved ones."""
    out = dict(saved)
    out.update(layers=list(AT_BOOT), plan_if_down=False)
    for key in ('model', 'host', 'tenant_tags', 'discovered'):
        if key not in out:
            raise LayerInputError('the saved parameters lack %s' % key)
    out.setdefault('ovs_timeout', None)
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write('usage: ovl-boot PARAMS.json\n')
        return 2
    started = time.monotonic()
    try:
        with open(argv[0]) as handle:
            params = boot_params(json.load(handle))
        result, failed = apply_layers(BootModule(params))
    except (IOError, OSError, ValueError, LayerInputError) as exc:
        sys.stderr.write('ovl-boot: %s: %s\n' % (argv[0], exc))
        return 1
    layers = result.get('layers') or {}
    done = ', '.join('%s %d' % (name, len(layers[name].get('commands') or []))
                     for name in AT_BOOT if name in layers)
    if failed:
        sys.stderr.write('ovl-boot: %s: layer %s failed: %s (after: %s); run site.yml\n'
                         % (params['host'], failed, layers[failed].get('msg'), done))
        return 1
    sys.stdout.write('ovl-boot: %s converged in %.1f s (commands per layer: %s)\n'
                     % (params['host'], time.monotonic() - started, done))
    return 0
