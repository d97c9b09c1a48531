"""Build the JSON that ``ovs-vsctl --format=json list Bridge/Port/Interface``
prints, from a compact description, for unit tests of readers and modules."""
import json


def _set(values):
    return ['set', list(values)]


def _map(mapping):
    return ['map', sorted([k, v] for k, v in (mapping or {}).items())]


def vsctl_json(bridges=None, ports=None):
    """bridges: {name: {datapath_type, fail_mode, external_ids, other_config}}
    ports: {name: {bridge, tag, trunks, vlan_mode, external_ids, type, options, mtu}}
    (each bridge also gets its local internal port)."""
    bridges = bridges or {}
    ports = dict(ports or {})
    for br in bridges:
        ports.setdefault(br, {'bridge': br, 'type': 'internal'})
    brows, prows, irows = [], [], []
    for i, (name, p) in enumerate(sorted(ports.items())):
        puuid, iuuid = 'p-%d' % i, 'i-%d' % i
        p['_uuid'] = puuid
        tag = p.get('tag')
        prows.append([['uuid', puuid], name, ['uuid', iuuid],
                      tag if tag is not None else _set([]), _set(p.get('trunks', [])),
                      p.get('vlan_mode') or _set([]), _map(p.get('external_ids'))])
        itype = p.get('type', 'system')
        irows.append([['uuid', iuuid], name, '' if itype == 'system' else itype,
                      _map(p.get('options')), p['mtu'] if p.get('mtu') else _set([]),
                      _map({}), 1])
    for i, (name, b) in enumerate(sorted(bridges.items())):
        members = [['uuid', p['_uuid']] for p in ports.values() if p.get('bridge') == name]
        brows.append([['uuid', 'b-%d' % i], name, _set(members), b.get('datapath_type', ''),
                      b.get('fail_mode') or _set([]), _map(b.get('other_config')),
                      _map(b.get('external_ids'))])
    heads = (['_uuid', 'name', 'ports', 'datapath_type', 'fail_mode', 'other_config',
              'external_ids'],
             ['_uuid', 'name', 'interfaces', 'tag', 'trunks', 'vlan_mode', 'external_ids'],
             ['_uuid', 'name', 'type', 'options', 'mtu_request', 'external_ids', 'ofport'])
    return '\n'.join(json.dumps({'data': rows, 'headings': h})
                     for rows, h in zip((brows, prows, irows), heads)) + '\n'
