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
from ansible.module_utils.ovl.tenant.names import (
    endpoint_port, gateway_leg, kernel_device, router_ns, uplink_leg)


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
                self.names[ep.name] = tenant.name
                self.names[endpoint_port(ep.name)] = tenant.name
            for name in (router_ns(tenant.name), gateway_leg(tenant.name),
                         uplink_leg(tenant.name),
                         kernel_device(tenant.vni, tenant.tunnel_type)):
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


def _ip_events(argv):
    """(kind, object, state, detail) of one ip_state command, or None."""
    argv = list(argv)
    if argv[:3] == ['ip', 'netns', 'add']:
        return 'namespace', argv[3], 'missing', ''
    if argv[:3] == ['ip', 'netns', 'del']:
        return 'namespace', argv[3], 'extra', ''
    ns = None
    if argv[:3] == ['ip', 'netns', 'exec']:
        ns, argv = argv[3], argv[4:]
    if argv[:2] == ['sysctl', '-w']:
        key = argv[2].split('=', 1)[0]
        return 'sysctl', '%s/%s' % (ns or 'host', key), 'different', argv[2]
    if argv[:2] == ['ethtool', '-K']:
        return 'link', '%s/%s' % (ns, argv[2]) if ns else argv[2], 'different', 'tx offload'
    if not argv or argv[0] not in ('ip', 'bridge'):
        return None                                   # marker files go with their namespace
    tool, tail = argv[0], argv[1:]
    if tail[:1] == ['-n']:
        ns, tail = tail[1], tail[2:]

    def where(name):
        return '%s/%s' % (ns, name) if ns else name
    if tool == 'bridge' and tail[:1] == ['fdb']:
        dev, peer = tail[tail.index('dev') + 1], tail[tail.index('dst') + 1]
        return 'tunnel', where(dev), 'missing' if tail[1] == 'append' else 'extra', 'flood ' + peer
    verb = tail[:2]
    if verb == ['link', 'add']:
        return 'link', where(tail[2]), 'missing', ''
    if verb == ['link', 'del']:
        return 'link', where(tail[2]), 'extra', ''
    if verb == ['link', 'set']:
        return 'link', where(tail[2]), 'different', ' '.join(tail[3:])
    if verb in (['addr', 'add'], ['addr', 'del']):
        return ('address', where(tail[tail.index('dev') + 1]),
                'missing' if verb[1] == 'add' else 'extra', tail[2])
    if verb == ['route', 'replace']:
        return 'route', where(tail[2]), 'missing', ' '.join(tail[3:])
    if verb == ['route', 'del']:
        return 'route', where(tail[2]), 'extra', ' '.join(tail[3:])
    return None


def _ip_rows(host, owners, commands):
    """One row per object the ip plan touches: a link deleted and made again
    is *different*; the settings of an object being made are part of it."""
    found, order = {}, []
    for argv in commands:
        event = _ip_events(argv)
        if event is None:
            continue
        kind, name, state, detail = event
        key = (kind, name, detail) if kind in ('address', 'tunnel') else (kind, name)
        if key not in found:
            found[key] = [state, detail]
            order.append(key)
        elif found[key][0] == 'extra' and state == 'missing':
            found[key] = ['different', 'made again (its settings changed)']
        elif found[key][0] == 'different' and state == 'different' and detail:
            found[key][1] = ', '.join(x for x in (found[key][1], detail) if x)

    def owner(name):
        if '/' in name and owners.of(name.split('/', 1)[0]) != '-':
            return owners.of(name.split('/', 1)[0])
        return owners.of(name.rsplit('/', 1)[-1])
    return [dict(host=host, tenant=owner(key[1]), kind=key[0], object=key[1],
                 state=found[key][0], detail=found[key][1]) for key in order]


def _state(before, after):
    if before in (None, {}, []) or (isinstance(before, dict) and before.get('exists') is False):
        return 'missing'
    if after in (None, {}, []) or (isinstance(after, dict) and after.get('exists') is False):
        return 'extra'
    return 'different'


def _show(value):
    text = repr(value)
    return text if len(text) <= 100 else text[:97] + '...'


def _port_rows(host, owners, diff):
    """OVS ports and bridges: a changed tag or tunnel option is named as such."""
    rows = []
    before, after = diff.get('before') or {}, diff.get('after') or {}
    for section, kind in (('bridges', 'bridge'), ('ports', 'port')):
        old, new = before.get(section) or {}, after.get(section) or {}
        for name in sorted(set(old) | set(new)):
            have, want = old.get(name), new.get(name)
            if have == want:
                continue
            state = _state(have, want)
            what = kind
            if state == 'different' and kind == 'port':
                changed = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
                what = ('tag' if changed == ['tag'] else
                        'tunnel' if 'options' in changed or want.get('type') in tunnels.OVS_TYPES
                        else 'port')
                detail = ', '.join('%s %s -> %s' % (k, _show(have.get(k)), _show(want.get(k)))
                                   for k in changed)
            else:
                detail = '%s -> %s' % (_show(have), _show(want))
            rows.append(dict(host=host, tenant=owners.of(name), kind=what, object=name,
                             state=state, detail=detail))
    return rows


def _flow_rows(host, owners, result):
    rows = []
    diff = result.get('diff') or {}
    old = set((diff.get('before') or {}).get('flows') or [])
    new = set((diff.get('after') or {}).get('flows') or [])
    for text in sorted(new - old):
        rows.append(dict(host=host, tenant=_flow_tenant(owners, text), kind='flow', object=text,
                         state='missing', detail=''))
    for text in sorted(old - new):
        rows.append(dict(host=host, tenant=_flow_tenant(owners, text), kind='flow', object=text,
                         state='extra', detail=''))
    return rows


def _flow_tenant(owners, text):
    for part in text.replace(',', ' ').split():
        for key in ('tun_id=', 'set_tunnel:'):
            if part.startswith(key):
                try:
                    return owners.vnis.get(int(part[len(key):], 0), '?')
                except ValueError:
                    return '?'
    return '-'


def _nat_rows(host, owners, result):
    """NAT: the diff holds each namespace's rules of our chains, as text."""
    rows = []
    diff = result.get('diff') or {}

    def sections(text):
        found, current = {}, None
        for line in (text or '').splitlines():
            if line.startswith('# netns '):
                current = line[len('# netns '):]
                found.setdefault(current, set())
            elif line.strip() and current is not None:
                found[current].add(line.strip())
        return found
    old, new = sections(diff.get('before')), sections(diff.get('after'))
    for ns in sorted(set(old) | set(new)):
        tenant = owners.of(ns) if ns != '@host' else '-'
        for line in sorted(new.get(ns, set()) - old.get(ns, set())):
            rows.append(dict(host=host, tenant=tenant, kind='nat', object='%s: %s' % (ns, line),
                             state='missing', detail=''))
        for line in sorted(old.get(ns, set()) - new.get(ns, set())):
            rows.append(dict(host=host, tenant=tenant, kind='nat', object='%s: %s' % (ns, line),
                             state='extra', detail=''))
    return rows


def drift_rows(inventory, results):
    """*results*: {host: {ip, ovs, int_flows, tun_flows, underlay, forward, nat}}
    (registered results of the check-mode run; a missing or skipped one is
    ignored). Every difference as a row, sorted by host, tenant, kind."""
    owners = Owners(inventory)
    rows = []
    for host in sorted(results):
        got = results[host] or {}
        if got.get('failed'):
            rows.append(dict(host=host, tenant='-', kind='host', object=host, state='unknown',
                             detail=got.get('msg') or 'the host could not be read'))
            continue
        if (got.get('ip') or {}).get('changed'):
            rows += _ip_rows(host, owners, got['ip'].get('commands') or [])
        if (got.get('ovs') or {}).get('changed'):
            rows += _port_rows(host, owners, got['ovs'].get('diff') or {})
        for key in ('int_flows', 'tun_flows'):
            if (got.get(key) or {}).get('changed'):
                rows += _flow_rows(host, owners, got[key])
        if (got.get('underlay') or {}).get('changed'):
            rows.append(dict(host=host, tenant='-', kind='underlay', object='br-phy',
                             state='different', detail=' ; '.join(
                                 ' '.join(c) for c in got['underlay'].get('commands') or [])))
        if (got.get('forward') or {}).get('changed'):
            rows.append(dict(host=host, tenant='-', kind='sysctl', object='net.ipv4.ip_forward',
                             state='different', detail='not 1'))
        if (got.get('nat') or {}).get('changed'):
            rows += _nat_rows(host, owners, got['nat'])
    return sorted(rows, key=lambda r: (r['host'], r['tenant'], r['kind'], r['object']))


def drift_text(rows):
    """The report, one table, as a person reads it."""
    if not rows:
        return 'no drift: every host is as the inventory says'
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
    return '\n'.join(lines)
