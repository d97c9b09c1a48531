# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Drift: what the live state of each host lacks, has too much of, or has
differently from the inventory, per host and tenant. Pure.

The product's own modules, run in check mode with diff, already compute the
difference: their planned changes are the drift. ``drift_rows`` reads those
results (what ``playbooks/drift.yml`` registers) and names each difference:

    {host, tenant, kind, object, state, detail}

*kind*: namespace, link, address, route, sysctl, port, tag, tunnel, bridge,
flow, nat, underlay; *state*: missing (the inventory wants it, the host lacks
it), extra (ours, no longer wanted), different (both, not the same);
*tenant*: the tenant the object belongs to by its name (docs/design.md,
"Names on a host"), or ``-`` for what the tenants share.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.host.layers import LAYERS
from ansible.module_utils.ovl.tenant import router
from ansible.module_utils.ovl.tenant.endpoints import kind_of
from ansible.module_utils.ovl.tenant.names import kernel_device, provider_patches


class Owners(object):
    """Which tenant an object name belongs to, from the inventory."""

    def __init__(self, inventory):
        self.names, self.vnis = {}, {}
        # flow mode (the same on every host): <prefix>f-<peer> is the shared
        # tunnel port to a peer, carrying every tenant (in port mode the same
        # name is the tunnel of VNI 15)
        self.flow = any(h.tunnel_mode == 'flow' for h in inventory.hosts)
        for tenant in inventory.tenants:
            self.vnis[tenant.vni] = tenant.name
            for ep in tenant.endpoints:
                for name in kind_of(ep).names(ep):
                    self.names[name] = tenant.name
            own = () if tenant.provider else (kernel_device(tenant.vni, tenant.tunnel_type),)
            own += tuple(['ovl-' + tenant.name] if tenant.mirror else [])   # its Mirror row
            for name in router.names(tenant.name) + provider_patches(tenant.name) + own:
                self.names[name] = tenant.name

    def of(self, name):
        """The tenant of an object name (a namespace, link, port, or
        ``netns/link``), '-' when it is shared or not a tenant's."""
        name = str(name)
        if name in self.names:
            return self.names[name]
        head, _sep, tail = name.rpartition('/')
        if head and head in self.names:
            return self.names[head]
        for kind in tunnels.TYPES:     # port-mode tunnel: <prefix><vni hex>-<peer>
            if self.flow and name.startswith(kind.prefix + 'f-'):
                return '-'
            if name.startswith(kind.prefix) and '-' in name[2:]:
                vni = name[2:].split('-', 1)[0]
                try:
                    return self.vnis.get(int(vni, 16), '?')
                except ValueError:
                    continue
        return '-'

    def tenant_of(self, row):
        """The tenant of a layer's drift row: by the VNI it names (flows),
        else by its owner name: the namespace of ``ns/dev`` first, then the
        object itself; '-' when shared. A row that names its ``tenant``
        (OVN's NB rows carry it) is that tenant's."""
        if 'tenant' in row:
            return row['tenant'] or '-'
        if 'vni' in row:
            vni = row['vni']
            return '-' if vni is None else self.vnis.get(vni, '?')
        name = row.get('owner')
        if not name:
            return '-'
        if '/' in name and self.of(name.split('/', 1)[0]) != '-':
            return self.of(name.split('/', 1)[0])
        return self.of(name.rsplit('/', 1)[-1])


def drift_rows(inventory, results):
    """*results*: {host: {layer: its registered result}} of the check-mode
    run (a missing or skipped one is ignored). Every difference as a row
    {host, tenant, kind, object, state, detail}, sorted by host, tenant,
    kind: each layer's own ``drift`` (``ovl.host.layers``) names them."""
    owners = Owners(inventory)
    rows = []
    for host in sorted(results):
        got = results[host] or {}
        if got.get('failed'):
            rows.append(dict(host=host, tenant='-', kind='host', object=host, state='unknown',
                             detail=got.get('msg') or 'the host could not be read'))
            continue
        for layer in LAYERS:
            result = got.get(layer.name) or {}
            if not result.get('changed'):
                continue
            for row in layer.drift(result):
                rows.append(dict(host=host, tenant=owners.tenant_of(row), kind=row['kind'],
                                 object=row['object'], state=row['state'],
                                 detail=row['detail']))
    return sorted(rows, key=lambda r: (r['host'], r['tenant'], r['kind'], r['object']))


def workload_rows(results):
    """The operator's containers on each host (the docker layer's
    ``workloads``: their br-int port, tenant and address), listed apart:
    they are not drift, a run neither makes nor prunes them."""
    rows = []
    for host in sorted(results):
        docker = (results[host] or {}).get('docker') or {}
        for port, tenant, address in docker.get('workloads') or []:
            rows.append(dict(host=host, tenant=tenant, kind='container', object=port,
                             state='workload', detail=address))
    return rows


def drift_text(rows, workloads=()):
    """The report, one table, as a person reads it; then the workloads."""
    tail = ''
    if workloads:
        tail = '\n\nworkloads (containers on the integration bridge; not drift):\n' + '\n'.join(
            '  %s  %s  %s  %s' % (w['host'], w['tenant'], w['object'], w['detail'])
            for w in workloads)
    if not rows:
        return 'no drift: every host is as the inventory says' + tail
    width = dict((k, max([len(k)] + [len(str(r[k])) for r in rows]))
                 for k in ('host', 'tenant', 'kind', 'state'))
    width['object'] = min(48, max([6] + [len(str(r['object'])) for r in rows]))
    head = '%-*s  %-*s  %-*s  %-*s  %-*s  %s' % (
        width['host'], 'host', width['tenant'], 'tenant', width['kind'], 'kind',
        width['state'], 'state', width['object'], 'object', 'detail')
    lines = [head, '-' * len(head)]
    for r in rows:
        lines.append('%-*s  %-*s  %-*s  %-*s  %-*s  %s' % (
            width['host'], r['host'], width['tenant'], r['tenant'], width['kind'], r['kind'],
            width['state'], r['state'], width['object'], str(r['object'])[:48], r['detail']))
    hosts = sorted(set(r['host'] for r in rows))
    lines.append('')
    lines.append('%d difference(s) on %s' % (len(rows), ', '.join(hosts)))
    return '\n'.join(lines) + tail
