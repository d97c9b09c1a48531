# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The topology picture: the network the inventory describes, as Graphviz DOT
and as text, optionally marked with the live drift. Pure, over the model
(``ovl.tenant.model.Inventory``) and the rows of ``ovl.report.drift``.

(``ovl.tenant.topology`` computes who tunnels to whom; this module only draws
it, with that module's functions.)

- ``tunnel_pairs(inventory)``: one ``Pair(tenant, a, b)`` per tenant per pair
  of hosts that both carry the tenant (``a`` < ``b``);
- ``drift_marks(inventory, rows)``: which drawn object each drift row belongs
  to: ``{key: [rows]}`` with keys ``('endpoint', host, name)``,
  ``('router', host, tenant)``, ``('tunnel', tenant, a, b)``,
  ``('tenant', host, tenant)`` (the tenant's other objects on the host),
  ``('host', host)`` (what the tenants share), ``('extra', host)`` (ours, in
  no tenant of the inventory) and ``('unknown', host)`` (not read);
- ``topology_dot(inventory, rows=None, read=None)``: the DOT text;
- ``topology_text(inventory, rows=None, read=None)``: the same for a terminal.

*rows* None is the inventory view; a list (maybe empty) is the live view of
the hosts *read* (default: every host of the inventory).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible.module_utils.ovl.tenant import topology
from ansible.module_utils.ovl.tenant.names import (
    endpoint_port, gateway_leg, router_ns, uplink_leg)

Pair = collections.namedtuple('Pair', 'tenant a b')

# A tenant named after a colour is drawn in it; the others take the first
# palette colour unlike every colour taken (Okabe-Ito first). Drift is marked
# red AND dashed AND in words, so a tenant drawn in red stays readable.
NAMED = {
    'blue': '#1f5fbf', 'red': '#c0392b', 'green': '#2e8b3e', 'orange': '#e07b00',
    'purple': '#7b3fa8', 'violet': '#7b3fa8', 'brown': '#8c564b', 'pink': '#d0509a',
    'gray': '#6f6f6f', 'grey': '#6f6f6f', 'olive': '#8a8a1e', 'teal': '#138a8a',
    'cyan': '#1a9fbf', 'yellow': '#b89500', 'black': '#222222', 'navy': '#1a2a80',
    'gold': '#b8860b', 'magenta': '#b0309a',
}
PALETTE = ('#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7b3fa8',
           '#8c564b', '#138a8a', '#8a8a1e', '#882255', '#444444')
DRIFT = '#e00000'
DRIFT_FILL = '#ffe4e4'
FONT = 'DejaVu Sans'


# --- the model of the picture -------------------------------------------------------------

def tunnel_pairs(inventory):
    """Every tenant's tunnels as host pairs, from ``topology.peers`` (a
    provider tenant has none: its physical network carries it)."""
    out = []
    for tenant in inventory.tenants:
        if tenant.provider:
            continue
        for host in tenant.hosts:
            out.extend(Pair(tenant.name, host, peer.name)
                       for peer in topology.peers(inventory, tenant, host) if host < peer.name)
    return sorted(out)


def colours(inventory):
    """{tenant: colour}: its own name when it is a colour, else the palette."""
    out, used = {}, set()
    for tenant in inventory.tenants:
        colour = NAMED.get(tenant.name)
        if colour and colour not in used:
            out[tenant.name] = colour
            used.add(colour)
    for i, tenant in enumerate(t for t in inventory.tenants if t.name not in out):
        # the first palette colour unlike every one taken; then any not taken; then reuse
        colour = (next((c for c in PALETTE if all(_distance(c, u) >= 100 for u in used)), None)
                  or next((c for c in PALETTE if c not in used), PALETTE[i % len(PALETTE)]))
        out[tenant.name] = colour
        used.add(colour)
    return out


def _rgb(colour):
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def _distance(one, two):
    """How far apart two colours look (RGB distance; below 100: alike)."""
    return sum((a - b) ** 2 for a, b in zip(_rgb(one), _rgb(two))) ** 0.5


def shared_subnets(inventory):
    """[(subnet, [tenants])] of the subnets more than one tenant uses."""
    found = collections.OrderedDict()
    for tenant in sorted(inventory.tenants, key=lambda t: (t.subnet, t.name)):
        found.setdefault(tenant.subnet, []).append(tenant)
    return [(subnet, tenants) for subnet, tenants in found.items() if len(tenants) > 1]


def _tunnel_keys(inventory, host):
    """{tunnel object name on *host*: [('tunnel', tenant, a, b)]}, from
    ``topology.tunnels`` (port, kernel device or flow-mode port)."""
    facts = inventory.host(host)
    keys = {}
    for tun in topology.tunnels(inventory, host, facts.tunnel_mode):
        tenants = ([tun.tenant] if tun.tenant is not None else
                   [t for t in inventory.tenants_on(host) if t.tunnel_type == tun.type.name])
        for tenant in tenants:
            for peer in tun.peers:
                if peer.name in tenant.hosts:
                    keys.setdefault(tun.name, []).append(
                        ('tunnel', tenant.name) + tuple(sorted((host, peer.name))))
    return keys


def _object_keys(inventory, host):
    """{object name on *host*: drawn object key}: endpoints, routers."""
    keys = {}
    for tenant in inventory.tenants_on(host):
        for ep in tenant.endpoints_on(host):
            keys[ep.name] = keys[endpoint_port(ep.name)] = ('endpoint', host, ep.name)
        if tenant.has_router(host):
            for name in (router_ns(tenant.name), gateway_leg(tenant.name),
                         uplink_leg(tenant.name)):
                keys[name] = ('router', host, tenant.name)
    return keys


def _head(row):
    """The namespace or device a row's object is in or is (None: the host's
    own sysctl, ``host/<key>``)."""
    obj = str(row.get('object'))
    if row.get('kind') == 'nat':
        return obj.split(':', 1)[0]
    if row.get('kind') == 'sysctl' and obj.startswith('host/'):
        return None
    return obj.split('/', 1)[0]


def drift_marks(inventory, rows):
    """{drawn object key: [drift rows]} (module docstring); every row lands
    under one key, except a row of a tunnel object that several drawn tunnels
    share (a kernel device: the tenant's tunnels from the host; a flow-mode
    port: every tenant's tunnel to that peer), which marks each of them."""
    marks = collections.OrderedDict()
    names = set(inventory.host_names())
    by_ip = dict((h.underlay_ip, h.name) for h in inventory.hosts)
    cache = {}
    for row in rows or []:
        host = row.get('host')
        if host not in names:
            keys = [('unknown' if row.get('state') == 'unknown' else 'extra', host)]
        elif row.get('state') == 'unknown':
            keys = [('unknown', host)]
        else:
            if host not in cache:
                cache[host] = (_object_keys(inventory, host), _tunnel_keys(inventory, host),
                               set(t.name for t in inventory.tenants_on(host)))
            objects, tunnels_, present = cache[host]
            head = _head(row)
            keys = []
            if str(row.get('object')) in objects:
                keys = [objects[str(row.get('object'))]]
            elif head in objects:
                keys = [objects[head]]
            elif head in tunnels_:
                keys = tunnels_[head]
                detail = str(row.get('detail') or '')
                if detail.startswith('flood ') and by_ip.get(detail[6:]):
                    peer = by_ip[detail[6:]]
                    keys = [k for k in keys if peer in k[2:]] or keys
            if not keys:
                if row.get('tenant') in present:
                    keys = [('tenant', host, row['tenant'])]
                elif row.get('state') == 'extra':
                    keys = [('extra', host)]
                else:
                    keys = [('host', host)]
        for key in keys:
            marks.setdefault(key, []).append(row)
    return marks


def _status(key, rows):
    """'missing' when the object itself is missing, else 'drifted'."""
    if key[0] in ('endpoint', 'router'):
        name = key[2] if key[0] == 'endpoint' else router_ns(key[2])
        if any(r.get('kind') == 'namespace' and r.get('object') == name
               and r.get('state') == 'missing' for r in rows):
            return 'missing'
    if key[0] == 'tunnel' and rows and all(r.get('state') == 'missing' for r in rows) and any(
            r.get('kind') in ('port', 'tunnel', 'link') for r in rows):
        return 'missing'
    return 'drifted'


def _summary(key, rows):
    """'MISSING' or 'DRIFTED: address, route' (and where, for a tunnel)."""
    status = _status(key, rows)
    kinds = sorted(set('%s %s' % (r.get('state'), r.get('kind')) for r in rows))
    text = 'MISSING' if status == 'missing' else 'DRIFTED: ' + ', '.join(kinds[:3]) + (
        ', ...' if len(kinds) > 3 else '')
    if key[0] == 'tunnel':
        text += ' (on %s)' % ', '.join(sorted(set(r.get('host') for r in rows)))
    return text


class _View(object):
    """What both forms draw: the inventory, the drift marks, the hosts read."""

    def __init__(self, inventory, rows, read):
        self.inv = inventory
        self.live = rows is not None
        self.rows = list(rows or [])
        self.read = set(inventory.host_names() if read is None else read)
        self.marks = drift_marks(inventory, self.rows) if self.live else {}
        self.pairs = tunnel_pairs(inventory)
        self.colour = colours(inventory)
        self.tenant = dict((t.name, t) for t in inventory.tenants)

    def mark(self, *key):
        rows = self.marks.get(key)
        return _summary(key, rows) if rows else ''

    def host_state(self, host):
        """'' (inventory view), 'not read', 'unknown: why', 'clean', or 'N difference(s)'."""
        if not self.live:
            return ''
        if ('unknown', host) in self.marks:
            return 'NOT READ: ' + '; '.join(sorted(set(
                str(r.get('detail') or '?') for r in self.marks[('unknown', host)])))
        if host not in self.read:
            return 'not read in this run'
        count = len([r for r in self.rows if r.get('host') == host])   # no 'unknown' here
        return ('live: %d difference(s)' % count) if count else 'live: as the inventory says'

    def extras(self, host):
        return self.marks.get(('extra', host), [])


def _facts_line(facts):
    return 'underlay %s, datapath %s, tunnel mode %s, bridge %s' % (
        facts.underlay_ip, facts.datapath_type, facts.tunnel_mode, facts.integration_bridge)


def _tenant_line(tenant):
    return '%s, %s, %s' % (
        tenant.wire, tenant.subnet,
        'SNAT to the outside' if tenant.snat else 'no SNAT: no way out')


def _row_text(row):
    return '%s %s %s%s' % (row.get('state'), row.get('kind'), row.get('object'),
                           (' (%s)' % row['detail']) if row.get('detail') else '')


# --- text ------------------------------------------------------------------------------

def topology_text(inventory, rows=None, read=None):
    """Hosts -> tenants -> endpoints and routers, the tunnels per tenant, the
    shared subnets, and (live) the drift marks and extra objects."""
    view = _View(inventory, rows, read)
    lines = ['Overlay topology: %d host(s), %d tenant(s); %s' % (
        len(inventory.hosts), len(inventory.tenants),
        'live view (drift marked)' if view.live else 'inventory view (no host read)'), '']
    for facts in inventory.hosts:
        host = facts.name
        state = view.host_state(host)
        lines.append('%s  %s%s' % (host, _facts_line(facts), ('  [%s]' % state) if state else ''))
        for row in view.marks.get(('host', host), []):
            lines.append('  ! shared object: %s' % _row_text(row))
        tenants = inventory.tenants_on(host)
        if not tenants:
            lines.append('  (no tenant)')
        for tenant in tenants:
            mark = view.mark('tenant', host, tenant.name)
            lines.append('  %-10s %s%s' % (tenant.name, _tenant_line(tenant),
                                           ('  [%s]' % mark) if mark else ''))
            for ep in tenant.endpoints_on(host):
                mark = view.mark('endpoint', host, ep.name)
                lines.append('    endpoint %-15s %s%s' % (ep.name, ep.ip,
                                                          ('  [%s]' % mark) if mark else ''))
            if tenant.has_router(host):
                mark = view.mark('router', host, tenant.name)
                lines.append('    router   %-15s gateway %s, SNAT -> %s -> outside%s' % (
                    router_ns(tenant.name), tenant.gateway, facts.underlay_ip,
                    ('  [%s]' % mark) if mark else ''))
        extras = view.extras(host)
        if extras:
            lines.append('  extra (ours, in no tenant of the inventory; site.yml removes them):')
            lines.extend('    %s' % _row_text(r) for r in extras)
        lines.append('')
    lines.append('Tunnels (one per pair of hosts that both carry the tenant):')
    for tenant in inventory.tenants:
        pairs = [p for p in view.pairs if p.tenant == tenant.name]
        head = '  %-10s %s:' % (tenant.name, tenant.wire)
        if not pairs:
            lines.append('%s none (%s)' % (head, 'carried on its physical network'
                                           if tenant.provider else 'one host'
                                           if tenant.hosts else 'no endpoint'))
        for pair in pairs:
            mark = view.mark('tunnel', tenant.name, pair.a, pair.b)
            lines.append('%s %s <-> %s%s' % (head, pair.a, pair.b,
                                             ('  [%s]' % mark) if mark else ''))
    shared = shared_subnets(inventory)
    if shared:
        lines.append('')
        lines.append('Shared subnets (isolated by VNI or VLAN: separate tunnels or segments, '
                     'VLANs and routers):')
        for subnet, tenants in shared:
            lines.append('  %s: %s' % (subnet, ', '.join(
                '%s (%s)' % (t.name, t.wire) for t in tenants)))
    if view.live:
        lines.append('')
        lines.append('Drift: ' + _drift_line(view.rows, inventory.host_names(), view.read))
    return '\n'.join(lines)


def _drift_line(rows, hosts, read):
    found = [r for r in rows if r.get('state') != 'unknown']
    unread = sorted(set(r.get('host') for r in rows if r.get('state') == 'unknown')
                    | set(h for h in hosts if h not in read))
    text = ('%d difference(s) on %s (playbooks/drift.yml lists them; site.yml repairs them)' % (
        len(found), ', '.join(sorted(set(r['host'] for r in found)))) if found else 'none found')
    if unread:
        text += '; not read: %s' % ', '.join(unread)
    return text


# --- DOT -------------------------------------------------------------------------------
#
# Layout (rankdir=LR): the hosts stacked top to bottom, one cluster each; in a
# host, its VTEP (underlay address) at the left and one cluster per tenant
# (endpoints, then the router or "no router"); the tunnels in a column left of
# the hosts, one box per tenant per host pair, joined to the two VTEPs; the
# outside at the right, where every router's SNAT arrow ends; the legend top left.

def _q(text):
    """A DOT double-quoted string."""
    return '"%s"' % str(text).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def _html(text):
    return (str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('"', '&quot;'))


def _attrs(attrs):
    """A node or edge attribute list; an HTML label (``<...>``) stays bare."""
    return '[%s]' % ', '.join(
        '%s=%s' % (k, v if k == 'label' and v.startswith('<') else _q(v))
        for k, v in sorted(attrs.items()) if v is not None)


def _graph_attrs(attrs):
    """Attribute statements of a (sub)graph."""
    return ' '.join('%s=%s;' % (k, _q(v)) for k, v in sorted(attrs.items()))


def _tint(colour, keep=0.12):
    """*colour* mixed with white (*keep* of the colour)."""
    return '#' + ''.join('%02x' % int(round(255 - (255 - c) * keep)) for c in _rgb(colour))


def _node(out, indent, nid, attrs):
    out.append('%s%s %s;' % (' ' * indent, _q(nid), _attrs(dict(attrs, id=nid))))


def _edge(out, indent, tail, head, attrs):
    out.append('%s%s -> %s %s;' % (' ' * indent, _q(tail), _q(head), _attrs(attrs)))


def _marked(attrs, mark):
    """*attrs* of a node drawn red, dashed and with the words of *mark*."""
    if mark:
        attrs = dict(attrs, color=DRIFT, fontcolor=DRIFT, fillcolor=DRIFT_FILL, penwidth='2.5',
                     style='dashed,bold,filled' + (',rounded' if 'rounded' in attrs.get(
                         'style', '') else ''))
        attrs['label'] = attrs['label'] + '\n' + mark
    return attrs


def cluster_id(host, tenant=None):
    """The DOT subgraph name of a host, or of a tenant on a host."""
    return 'cluster_tenant_%s_%s' % (host, tenant) if tenant else 'cluster_host_' + host


def _note(out, nid, title, rows):
    shown = rows[:8]
    more = '\n... %d more' % (len(rows) - len(shown)) if len(rows) > len(shown) else ''
    text = '\n'.join(_row_text(r)[:72] for r in shown)
    _node(out, 4, nid, dict(label='%s\n%s%s' % (title, text, more),
                            shape='note', color=DRIFT, fontcolor=DRIFT, style='dashed,filled',
                            fillcolor=DRIFT_FILL, fontsize='10'))


def _tenant_cluster(view, facts, tenant, out):
    host, colour = facts.name, view.colour[tenant.name]
    mark = view.mark('tenant', host, tenant.name)
    label = '%s  (%s, %s%s)' % (tenant.name, tenant.wire, tenant.subnet,
                                '' if tenant.snat else ', no SNAT')
    out.append('    subgraph %s {' % _q(cluster_id(host, tenant.name)))
    out.append('      ' + _graph_attrs(dict(
        label=label + ('\n' + mark if mark else ''), id='tenant:%s:%s' % (host, tenant.name),
        color=DRIFT if mark else colour, fontcolor=DRIFT if mark else colour,
        style='rounded,filled' + (',dashed' if mark else ''), fillcolor=_tint(colour),
        penwidth='2', fontsize='13', labeljust='l')))
    eps = tenant.endpoints_on(host)
    for ep in eps:
        _node(out, 6, 'endpoint:%s:%s' % (host, ep.name), _marked(dict(
            label='%s\n%s' % (ep.name, ep.ip), color=colour, shape='box',
            style='rounded,filled', fillcolor='white'), view.mark('endpoint', host, ep.name)))
    if tenant.has_router(host):
        rid = 'router:%s:%s' % (host, tenant.name)
        _node(out, 6, rid, _marked(dict(
            label='router %s\ngateway %s\nSNAT -> %s' % (router_ns(tenant.name), tenant.gateway,
                                                         facts.underlay_ip),
            color=colour, shape='box', style='filled', fillcolor='white', penwidth='2'),
            view.mark('router', host, tenant.name)))
        for ep in eps:           # each endpoint's gateway: its router on the same host
            _edge(out, 6, 'endpoint:%s:%s' % (host, ep.name), rid,
                  dict(color=colour, arrowhead='none', style='dotted'))
    else:                        # no router: say so where the router would be
        nid = 'norouter:%s:%s' % (host, tenant.name)
        _node(out, 6, nid, dict(label='no router (no SNAT):\nno way out', shape='box',
                                style='dashed', color='#aaaaaa', fontcolor='#777777',
                                fontsize='10'))
        _edge(out, 6, 'endpoint:%s:%s' % (host, eps[0].name), nid, dict(style='invis'))
    out.append('    }')


def _host_cluster(view, facts, out):
    host = facts.name
    state = view.host_state(host)
    bad = state.startswith('NOT READ') or 'difference' in state
    out.append('  subgraph %s {' % _q(cluster_id(host)))
    out.append('    ' + _graph_attrs(dict(
        label='%s  (underlay %s)\ndatapath %s, tunnel mode %s%s' % (
            host, facts.underlay_ip, facts.datapath_type, facts.tunnel_mode,
            ('\n' + state) if state else ''),
        id='host:' + host, style='rounded,dashed' if bad else 'rounded',
        color=DRIFT if bad else '#555555', fontcolor=DRIFT if bad else 'black', penwidth='2',
        fontsize='15', bgcolor='#f7f7f7', labeljust='l')))
    vtep = 'vtep:' + host
    _node(out, 4, vtep, dict(label='VTEP %s\n(underlay)' % facts.underlay_ip, shape='box',
                             style='filled', fillcolor='#dddddd', color='#555555'))
    tenants = view.inv.tenants_on(host)
    for tenant in reversed(tenants):     # dot stacks them back to front: a to z, top down
        _tenant_cluster(view, facts, tenant, out)
    for tenant in tenants:               # the tenant's segment meets its tunnels here
        if len(tenant.hosts) > 1:
            _edge(out, 4, vtep, 'endpoint:%s:%s' % (host, tenant.endpoints_on(host)[0].name),
                  dict(color=view.colour[tenant.name], arrowhead='none',
                       lhead=cluster_id(host, tenant.name)))
    if not tenants:
        _node(out, 4, 'empty:' + host, dict(label='(no tenant)', shape='plaintext'))
    if view.extras(host):
        _note(out, 'extra:' + host, 'extra on %s (ours, in no tenant of the inventory;\n'
              'site.yml removes them):' % host, view.extras(host))
    if view.marks.get(('host', host)):
        _note(out, 'shared:' + host, 'drifted on %s, shared by its tenants:' % host,
              view.marks[('host', host)])
    out.append('  }')


def _legend(view):
    rows = ['<tr><td colspan="3" align="left"><b>Tenants</b>: one colour each; each tenant is '
            'its own network</td></tr>']
    for tenant in view.inv.tenants:
        colour = view.colour[tenant.name]
        rows.append('<tr><td bgcolor="%s" width="18"> </td><td align="left"><font color="%s">'
                    '<b>%s</b></font></td><td align="left">%s; on %s</td></tr>' % (
                        colour, colour, _html(tenant.name), _html(_tenant_line(tenant)),
                        _html(', '.join(tenant.hosts) or 'no host')))
    for subnet, tenants in shared_subnets(view.inv):
        names = [t.name for t in tenants]
        rows.append('<tr><td colspan="3" align="left"><b>%s and %s both use %s: isolated '
                    '(%s)</b></td></tr>' % (
                        _html(', '.join(names[:-1])), _html(names[-1]), _html(subnet),
                        _html(', '.join('%s %s' % (t.name, t.wire) for t in tenants))))
    notes = ['box at the left: a tunnel of one tenant between two hosts (type, VNI), '
             'joined to their VTEPs',
             'dotted line: an endpoint and its gateway, the tenant router on the same host',
             'router -> outside: SNAT (then the host masquerades); nothing outside can open '
             'a connection in']
    if view.live:
        notes.append('red and dashed: MISSING or DRIFTED on the host (live state vs inventory)')
    else:
        notes.append('inventory view: no host was read (make topology LIVE=1 marks drift)')
    rows.extend('<tr><td colspan="3" align="left">%s</td></tr>' % _html(n) for n in notes)
    return ('<<table border="1" cellborder="0" cellspacing="2" cellpadding="3" '
            'bgcolor="white" color="#999999">%s</table>>' % ''.join(rows))


def topology_dot(inventory, rows=None, read=None, title='ovl overlay topology'):
    """The picture as Graphviz DOT (``dot -Tsvg``): a cluster per host with
    its VTEP, tenants, endpoints and routers; one box per tunnel (tenant, host
    pair); the ``outside`` node with each router's SNAT; a legend. Node ids
    (also in the SVG): ``endpoint:H:NAME``, ``router:H:T``, ``vtep:H``,
    ``tunnel:T:A:B``, ``outside``, ``extra:H``, ``shared:H``."""
    view = _View(inventory, rows, read)
    out = ['digraph topology {',
           '  graph %s;' % _attrs(dict(
               rankdir='LR', compound='true', newrank='true', nodesep='0.25', ranksep='0.5',
               fontname=FONT, labelloc='t', fontsize='20',
               label='%s: %d host(s), %d tenant(s), %s' % (
                   title, len(inventory.hosts), len(inventory.tenants),
                   'live state (drift marked)' if view.live else 'inventory view'))),
           '  node %s;' % _attrs(dict(fontname=FONT, fontsize='11')),
           '  edge %s;' % _attrs(dict(fontname=FONT, fontsize='10'))]
    for facts in inventory.hosts:
        _host_cluster(view, facts, out)
    for pair in view.pairs:
        tenant = view.tenant[pair.tenant]
        colour = view.colour[tenant.name]
        mark = view.mark('tunnel', tenant.name, pair.a, pair.b)
        tid = 'tunnel:%s:%s:%s' % pair
        _node(out, 2, tid, _marked(dict(
            label='%s %s VNI %d\n%s <-> %s' % (tenant.name, tenant.tunnel_type.upper(),
                                               tenant.vni, pair.a, pair.b),
            color=colour, fontcolor=colour, shape='box', style='rounded,bold,filled',
            fillcolor='white', fontsize='10', margin='0.08,0.03'), mark))
        for end in (pair.a, pair.b):
            edge = dict(id='%s:%s' % (tid, end), color=colour, arrowhead='none', penwidth='2')
            if mark:
                edge.update(color=DRIFT, style='dashed', penwidth='2.5')
            _edge(out, 2, tid, 'vtep:' + end, edge)
    _node(out, 2, 'outside', dict(label='outside (the internet)\nreached only through SNAT',
                                  shape='ellipse', style='filled', fillcolor='#e8e8e8',
                                  color='#555555', fontsize='14'))
    for facts in inventory.hosts:
        for tenant in inventory.tenants_on(facts.name):
            if tenant.has_router(facts.name):
                _edge(out, 2, 'router:%s:%s' % (facts.name, tenant.name), 'outside', dict(
                    id='snat:%s:%s' % (facts.name, tenant.name), arrowhead='vee',
                    color=view.colour[tenant.name], penwidth='1.5'))
    out.append('  legend %s;' % _attrs(dict(label=_legend(view), id='legend', shape='plaintext')))
    out.append('}')
    return '\n'.join(out) + '\n'
