"""The Docker plugin's server on a real unix socket, its actions against a
real (private) Open vSwitch and real veths: Docker's requests as dockerd
sends them, the port on br-int with the tenant's tag and marks, the MAC and
MTU on the container's end, a Join again after the plugin restarted (its
state kept on disk), Leave taking it all away; bad requests answered, the
server still serving."""
import http.client
import json
import os
import socket
import threading

import pytest

from ansible.module_utils.ovl.core.netns import entered
from ansible.module_utils.ovl.docker import api
from ansible.module_utils.ovl.docker.host import HostActions
from ansible.module_utils.ovl.docker.server import Plugin, Server

from fixtures.netns import sh

NET, EP = 'a' * 64, 'e' * 64
CONFIG = {'owner': 'ovl', 'bridge': 'br-int', 'netdev': True, 'tenants': {
    'blue': {'subnet': '10.0.0.0/24', 'gateway': '10.0.0.1', 'mtu': 1400, 'tag': 7,
             'range': '10.0.0.128/26'}}}


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        http.client.HTTPConnection.__init__(self, 'localhost', timeout=20)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def post(sock, path, body, raw=None):
    conn = UnixConnection(sock)
    data = raw if raw is not None else json.dumps(body).encode()
    conn.request('POST', path, data, {'Content-Type': 'application/json'})
    resp = conn.getresponse()
    out = json.loads(resp.read().decode())
    conn.close()
    return resp.status, out


class InNamespace(object):
    """The host actions, done inside the private OVS's namespace."""

    def __init__(self, netns, actions):
        self.netns, self.actions = netns, actions

    def attach(self, *args):
        with entered(self.netns):
            return self.actions.attach(*args)

    def detach(self, *args):
        with entered(self.netns):
            return self.actions.detach(*args)

    def wait_attached(self, *args):
        return self.actions.wait_attached(*args)


@pytest.fixture
def plugin(ovs, tmp_path):
    ovs.vsctl('add-br', 'br-int', '--', 'set', 'Bridge', 'br-int', 'datapath_type=netdev')
    config, state = tmp_path / 'plugin.json', tmp_path / 'state' / 'state.json'
    config.write_text(json.dumps(CONFIG))
    servers = []

    def start(db=ovs.db):
        sock = str(tmp_path / 'ovl.sock')
        server = Server(sock, Plugin(str(config), str(state),
                                     InNamespace(ovs.netns, HostActions(db=db)),
                                     log=lambda text: None))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return sock

    def stop():
        server = servers.pop()
        server.shutdown()
        server.server_close()
    yield start, stop, state
    while servers:
        stop()


def port_of(ovs, name):
    return json.loads(ovs.vsctl('--format=json', '--columns=tag,external_ids', 'list', 'Port',
                                name))['data'][0]


def test_a_container_is_attached_kept_across_a_plugin_restart_and_detached(plugin, ovs):
    start, stop, state_file = plugin
    sock = start()
    assert post(sock, '/Plugin.Activate', {})[1] == {'Implements': ['NetworkDriver',
                                                                     'IpamDriver']}
    pool = post(sock, '/IpamDriver.RequestPool', {'Pool': '10.0.0.0/24',
                                                  'Options': {'tenant': 'blue'}})[1]['PoolID']
    post(sock, '/IpamDriver.RequestAddress', {'PoolID': pool, 'Address': '10.0.0.1', 'Options': {
        'RequestAddressType': 'com.docker.network.gateway'}})
    assert post(sock, '/NetworkDriver.CreateNetwork', {
        'NetworkID': NET, 'Options': {api.GENERIC: {'tenant': 'blue'}},
        'IPv4Data': [{'Pool': '10.0.0.0/24', 'Gateway': '10.0.0.1/24'}]})[1] == {}
    address = post(sock, '/IpamDriver.RequestAddress', {'PoolID': pool})[1]['Address']
    mac = post(sock, '/NetworkDriver.CreateEndpoint', {
        'NetworkID': NET, 'EndpointID': EP,
        'Interface': {'Address': address}})[1]['Interface']['MacAddress']
    joined = post(sock, '/NetworkDriver.Join', {'NetworkID': NET, 'EndpointID': EP,
                                                'SandboxKey': '/var/run/docker/netns/x'})[1]
    port, peer = api.names(EP)
    assert joined['InterfaceName']['SrcName'] == peer and joined['Gateway'] == '10.0.0.1'
    assert post(sock, '/NetworkDriver.ProgramExternalConnectivity',
                {'NetworkID': NET, 'EndpointID': EP, 'Options': {}})[1] == {}
    assert int(ovs.vsctl('get', 'Interface', port, 'ofport')) > 0
    tag, ids = port_of(ovs, port)
    assert tag == 7 and dict(ids[1]) == {'ovl-owner': 'ovl', 'ovl-tenant': 'blue',
                                          'ovl-workload': 'docker', 'ovl-endpoint': EP}
    link = json.loads(ovs.ns('ip', '-j', 'link', 'show', 'dev', peer))[0]
    assert link['address'] == mac and link['mtu'] == 1400
    assert 'tx-checksumming: off' in ovs.ns('ethtool', '-k', port)

    # the plugin restarts (its state on disk); dockerd joins the endpoint again
    stop()
    assert EP in json.loads(state_file.read_text())['endpoints']
    sock = start()
    again = post(sock, '/NetworkDriver.Join', {'NetworkID': NET, 'EndpointID': EP,
                                               'SandboxKey': '/var/run/docker/netns/y'})[1]
    assert again == joined and port_of(ovs, port)[0] == 7
    assert ovs.vsctl('list-ports', 'br-int').split() == [port]

    # a bad request is answered; the server goes on
    status, bad = post(sock, '/NetworkDriver.Join', None, raw=b'{"NetworkID": ')
    assert status == 200 and 'is not JSON' in bad['Err']
    assert 'not a request' in post(sock, '/Nope', {})[1]['Err']
    assert post(sock, '/Plugin.Activate', {})[0] == 200

    assert post(sock, '/NetworkDriver.Leave', {'NetworkID': NET, 'EndpointID': EP})[1] == {}
    assert ovs.vsctl('list-ports', 'br-int').split() == []
    assert sh('ip', 'link', 'show', 'dev', port, ns=ovs.netns, check=False) == ''


def joined_endpoint(sock):
    """A network of blue and an endpoint on it, up to the Join."""
    pool = post(sock, '/IpamDriver.RequestPool', {'Options': {'tenant': 'blue'}})[1]['PoolID']
    post(sock, '/NetworkDriver.CreateNetwork', {'NetworkID': NET,
                                                'Options': {api.GENERIC: {'tenant': 'blue'}}})
    address = post(sock, '/IpamDriver.RequestAddress', {'PoolID': pool})[1]['Address']
    post(sock, '/NetworkDriver.CreateEndpoint', {'NetworkID': NET, 'EndpointID': EP,
                                                 'Interface': {'Address': address}})
    return post(sock, '/NetworkDriver.Join', {'NetworkID': NET, 'EndpointID': EP,
                                              'SandboxKey': 'k'})[1]


def test_a_join_after_a_host_restart_replaces_the_leftover_port(plugin, ovs):
    """The database keeps the port across a reboot, the veth is gone: the Join
    takes the leftover row off the bridge in the same transaction that adds
    the new one, which ovs-vswitchd then numbers (ProgramExternalConnectivity
    waited for it)."""
    start, _stop, _state = plugin
    sock = start()
    port = api.names(EP)[0]
    ovs.vsctl('add-port', 'br-int', port, 'tag=99', '--', 'set', 'Interface', port,
              'type=internal')
    ovs.ns('ip', 'link', 'del', port)
    assert 'Err' not in joined_endpoint(sock)
    assert post(sock, '/NetworkDriver.ProgramExternalConnectivity',
                {'NetworkID': NET, 'EndpointID': EP})[1] == {}
    assert ovs.vsctl('list-ports', 'br-int').split() == [port]
    assert port_of(ovs, port)[0] == 7
    assert int(ovs.vsctl('get', 'Interface', port, 'ofport')) > 0
    assert ovs.vsctl('get', 'Interface', port, 'type').strip() == '""'


def test_an_unreachable_database_is_an_error_answer(plugin, ovs, tmp_path):
    start, _stop, _state = plugin
    sock = start(db='unix:%s' % (tmp_path / 'down.sock'))
    err = joined_endpoint(sock)['Err']
    assert err.startswith('NetworkDriver.Join: port ovd') and 'ovsdb-server is not reachable' in err
    assert sh('ip', 'link', 'show', 'dev', api.names(EP)[0], ns=ovs.netns, check=False) == ''


def test_a_failed_action_is_an_error_answer(plugin, ovs):
    """No bridge: the port has nowhere to go; Join answers Err, the server serves on."""
    start, stop, _state = plugin
    sock = start()
    ovs.vsctl('del-br', 'br-int')
    err = joined_endpoint(sock)['Err']
    assert err == 'NetworkDriver.Join: bridge br-int is not there: run site.yml on this host'
    assert post(sock, '/Plugin.Activate', {})[0] == 200
    # the veth made before the port failed is gone with the failure
    assert sh('ip', 'link', 'show', 'dev', api.names(EP)[0], ns=ovs.netns, check=False) == ''


def test_an_oversized_or_unreadable_request_gets_an_answer(plugin):
    start, stop, _state = plugin
    sock = start()
    conn = UnixConnection(sock)
    conn.putrequest('POST', '/Plugin.Activate')
    conn.putheader('Content-Length', str(2 << 20))
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 400 and 'Content-Length' in json.loads(resp.read())['Err']
    conn.close()
    assert post(sock, '/Plugin.Activate', {})[0] == 200
    assert os.path.exists(sock)


def test_the_built_plugin_runs_on_a_python_without_ansible(tmp_path):
    """scripts/docker_plugin.py: one file; the host's own python3, isolated
    (-I: no Ansible, no venv), serves, refuses a bad config, stops on SIGTERM."""
    import shutil
    import signal
    import subprocess
    import sys
    import time
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    python = shutil.which('python3', path='/usr/bin:/bin') or sys.executable
    pyz = str(tmp_path / 'ovl-plugin.pyz')
    subprocess.run([sys.executable, os.path.join(root, 'scripts', 'docker_plugin.py'), pyz],
                   check=True, capture_output=True)
    config, sock = tmp_path / 'plugin.json', str(tmp_path / 'run' / 'ovl.sock')
    config.write_text(json.dumps({'tenants': {'blue': dict(CONFIG['tenants']['blue'],
                                                           tag=0)}}))
    bad = subprocess.run([python, '-I', pyz, '--config', str(config), '--socket', sock,
                          '--state', str(tmp_path / 'state.json')], capture_output=True,
                         text=True, timeout=30)
    assert bad.returncode == 2 and 'tenants.blue.tag: 0' in bad.stderr
    config.write_text(json.dumps(CONFIG))
    proc = subprocess.Popen([python, '-I', pyz, '--config', str(config), '--socket', sock,
                             '--state', str(tmp_path / 'state.json')],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        assert post(sock, '/Plugin.Activate', {})[1] == {'Implements': ['NetworkDriver',
                                                                         'IpamDriver']}
        assert post(sock, '/IpamDriver.RequestPool', {'Options': {'tenant': 'red'}})[1][
            'Err'].startswith("IpamDriver.RequestPool: Options.tenant: 'red' is not a tenant")
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert not os.path.exists(sock)
