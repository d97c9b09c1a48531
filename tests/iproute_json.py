"""The `ip -j -d` parsers the module used before it read over rtnetlink,
kept as the test oracle: unit tests describe a fake machine in `ip -j` JSON,
and the functional test_netlink_read proves the rtnetlink reader returns
exactly what these parsers make of real `ip -j -d` output."""
import ipaddress
import json

from ansible.module_utils.ovl.core.runner import CommandError


def _json(text, what):
    text = (text or '').strip()
    if not text:
        return []
    try:
        return json.loads(text)
    except ValueError:
        raise CommandError('%s: output is not JSON; iproute2 with -j support is needed' % what)


def parse_link(entry):
    info = entry.get('linkinfo') or {}
    data = info.get('info_data') or {}
    link = dict(name=entry.get('ifname'), ifindex=entry.get('ifindex'),
                kind=info.get('info_kind'), mtu=entry.get('mtu'),
                up='UP' in (entry.get('flags') or []), alias=entry.get('ifalias') or None,
                mac=entry.get('address'),
                peer=entry.get('link'), link_index=entry.get('link_index'),
                other_ns='link_netnsid' in entry)
    if link['kind'] == 'vxlan':
        link.update(id=data.get('id'), remote=data.get('remote'), local=data.get('local'),
                    dev=data.get('link'), dstport=data.get('port'),
                    learning=data.get('learning'))
    return link


def parse_addr_json(text):
    """``ip -j -d addr show`` -> ({name: link}, {dev: [global addr/prefix]},
    set of (dev, addr) that are IPv4 secondaries)."""
    links, addrs, secondary = {}, {}, set()
    for entry in _json(text, 'ip -j addr'):
        link = parse_link(entry)
        links[link['name']] = link
        found = []
        for info in entry.get('addr_info') or []:
            if info.get('scope') != 'global' or info.get('family') not in ('inet', 'inet6'):
                continue
            addr = str(ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen'])))
            found.append(addr)
            if info.get('secondary'):
                secondary.add((link['name'], addr))
        addrs[link['name']] = sorted(found)
    return links, addrs, secondary


def parse_routes(text, family):
    """``ip -j route show`` (main table) -> [{dst, family, via, dev, metric}]."""
    routes = []
    for entry in _json(text, 'ip -j route'):
        if entry.get('type') not in (None, 'unicast'):
            continue
        dst = entry.get('dst', 'default')
        if dst != 'default' and '/' not in dst:
            dst += '/128' if family == 6 else '/32'
        if dst != 'default':
            dst = str(ipaddress.ip_network(dst, strict=False))
        via = entry.get('gateway')
        routes.append(dict(dst=dst, family=family,
                           via=str(ipaddress.ip_address(via)) if via else None,
                           dev=entry.get('dev'), metric=entry.get('metric', 0)))
    return routes
