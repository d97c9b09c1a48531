"""The OVSDB JSON-RPC client against a scripted server on a real unix socket:
answers split over many reads and several in one read, the server's echo
answered, errors per operation and of the commit named, an unreachable or
silent server a clear RpcError. (tests/functional/docker runs it against a
real ovsdb-server.)"""
import json
import socket
import threading

import pytest

from ansible.module_utils.ovl.ovs import rpc


class Scripted(object):
    """Accepts one connection; for each request it reads, sends the byte
    chunks *answer(request)* returns."""

    def __init__(self, path, answer):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(1)
        self.answer = answer
        self.seen = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.listener.accept()
        decoder, buf = json.JSONDecoder(), ''
        while True:
            data = conn.recv(65536)
            if not data:
                break
            buf += data.decode()
            while buf:
                try:
                    message, end = decoder.raw_decode(buf)
                except ValueError:
                    break
                buf = buf[end:]
                self.seen.append(message)
                for chunk in self.answer(message):
                    conn.sendall(chunk)
        conn.close()


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / 'db.sock')


def reply(message, result):
    return json.dumps({'id': message['id'], 'result': result, 'error': None}).encode()


def test_an_answer_split_over_reads_and_an_echo_in_between(path):
    def answer(message):
        if 'method' not in message:         # our answer to the echo
            return []
        whole = reply(message, [{'rows': [{'name': 'caf\u00e9'}]}])
        echo = json.dumps({'method': 'echo', 'params': ['x'], 'id': 'echo'}).encode()
        return [echo + b'  '] + [whole[i:i + 3] for i in range(0, len(whole), 3)]
    server = Scripted(path, answer)
    with rpc.Connection('unix:' + path) as db:
        rows = db.transact({'op': 'select', 'table': 'Port', 'where': []})[0]['rows']
    assert rows == [{'name': 'caf\u00e9'}]
    server.thread.join(5)
    assert server.seen[0]['method'] == 'transact'
    assert server.seen[0]['params'][0] == 'Open_vSwitch'
    assert server.seen[1] == {'result': ['x'], 'error': None, 'id': 'echo'}


def test_two_answers_in_one_read_are_both_used(path):
    state = {}

    def answer(message):
        state.setdefault('first', message)
        if len(state) == 1 and message is state['first']:
            return []                       # hold the first answer back
        return [reply(state['first'], [{'count': 1}]) + reply(message, [{'count': 2}])]
    Scripted(path, answer)
    with rpc.Connection('unix:' + path) as db:
        db.send({'method': 'transact', 'params': ['Open_vSwitch'], 'id': 1})
        db.next_id = 1
        assert db.transact({'op': 'mutate'}) == [{'count': 2}]      # id 2; id 1 skipped


@pytest.mark.parametrize('results, message', [
    ([{}, {'error': 'constraint violation', 'details': 'no bridge'}],
     'OVSDB transaction failed: mutate Bridge: constraint violation (no bridge)'),
    ([{}, {}, {'error': 'referential integrity violation'}],
     'OVSDB transaction failed: commit: referential integrity violation'),
    ([{'error': 'timed out'}, None],
     'OVSDB transaction failed: wait Interface: timed out'),
])
def test_an_error_names_the_operation(path, results, message):
    Scripted(path, lambda m: [reply(m, results)])
    ops = [{'op': 'wait' if 'timed' in message else 'insert', 'table': 'Interface'},
           {'op': 'mutate', 'table': 'Bridge'}]
    with rpc.Connection('unix:' + path) as db:
        with pytest.raises(rpc.RpcError) as err:
            db.transact(*ops)
    assert str(err.value) == message


def test_a_refused_method_and_a_closed_connection(path):
    Scripted(path, lambda m: [json.dumps({'id': m['id'], 'result': None,
                                          'error': 'unknown database'}).encode()])
    with rpc.Connection('unix:' + path) as db:
        with pytest.raises(rpc.RpcError, match='refused transact: unknown database'):
            db.transact()
        db.sock.shutdown(socket.SHUT_WR)
        with pytest.raises(rpc.RpcError, match='closed the connection'):
            db.receive()


def test_unreachable_silent_and_unsupported_addresses(path, tmp_path):
    with pytest.raises(rpc.RpcError, match='ovsdb-server is not reachable at %s' % path):
        with rpc.Connection('unix:' + path):
            pass
    Scripted(path, lambda m: [])
    with rpc.Connection('unix:' + path, timeout=0.2) as db:
        with pytest.raises(rpc.RpcError, match='did not answer within 0.2s'):
            db.transact()
    for bad in ('tcp:127.0.0.1:6640', 'unix:', '/run/db.sock'):
        with pytest.raises(rpc.RpcError, match='only unix:PATH'):
            rpc.Connection(bad)
    assert rpc.Connection(None).path == '/var/run/openvswitch/db.sock'
