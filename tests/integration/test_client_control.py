"""CLIENT KILL, CLIENT UNBLOCK and `timeout` over real sockets: the connections they act on
are really closed or woken, and only those."""

import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, encode_command, start_corokv, stop_and_clean  # noqa: E402


def client_id(c):
    return int(c.call("CLIENT", "ID")[1:-2])


class ClientControlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_corokv("--threads", "2")

    @classmethod
    def tearDownClass(cls):
        stop_and_clean(cls.server)

    def connect(self):
        c = RawClient(self.server.port, timeout=5)
        self.addCleanup(c.close)
        return c

    def test_kill_closes_exactly_the_matching_connection(self):
        admin, victim, bystander = self.connect(), self.connect(), self.connect()
        vid = client_id(victim)
        client_id(bystander)
        self.assertEqual(admin.call("CLIENT", "KILL", "ID", str(vid)), b":1\r\n")
        self.assertTrue(victim.is_closed(timeout=3))
        self.assertEqual(bystander.call("PING"), b"+PONG\r\n")
        self.assertEqual(admin.call("PING"), b"+PONG\r\n")

    def test_kill_wakes_a_blocked_connection_by_closing_it(self):
        admin, blocked = self.connect(), self.connect()
        bid = client_id(blocked)
        blocked.send(encode_command("BLPOP", "kill-me", "0"))
        time.sleep(0.1)
        self.assertEqual(admin.call("CLIENT", "KILL", "ID", str(bid)), b":1\r\n")
        self.assertTrue(blocked.is_closed(timeout=3))
        self.assertIn(b"blocked_clients:0", admin.call("INFO", "clients"))

    def test_unblock_answers_the_blocked_command_and_the_connection_goes_on(self):
        admin, blocked = self.connect(), self.connect()
        bid = client_id(blocked)
        blocked.send(encode_command("BLPOP", "never", "0"))
        time.sleep(0.1)
        self.assertEqual(admin.call("CLIENT", "UNBLOCK", str(bid)), b":1\r\n")
        self.assertEqual(blocked.read_reply(), b"*-1\r\n")
        blocked.send(encode_command("BRPOP", "never", "0"))
        time.sleep(0.1)
        self.assertEqual(admin.call("CLIENT", "UNBLOCK", str(bid), "ERROR"), b":1\r\n")
        self.assertEqual(blocked.read_reply(), b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        self.assertEqual(blocked.call("PING"), b"+PONG\r\n")

    def test_timeout_closes_idle_clients_but_not_blocked_subscribed_or_monitoring_ones(self):
        admin = self.connect()
        self.assertEqual(admin.call("CONFIG", "SET", "timeout", "1"), b"+OK\r\n")
        self.addCleanup(lambda: RawClient(self.server.port).call("CONFIG", "SET", "timeout", "0"))
        idle, blocked, subscriber, monitor = self.connect(), self.connect(), self.connect(), self.connect()
        self.assertEqual(monitor.call("MONITOR"), b"+OK\r\n")
        blocked.send(encode_command("BLPOP", "idle-list", "0"))
        self.assertEqual(subscriber.call("SUBSCRIBE", "idle-channel"),
                         b"*3\r\n$9\r\nsubscribe\r\n$12\r\nidle-channel\r\n:1\r\n")
        self.assertTrue(idle.is_closed(timeout=5), "an idle client outlived timeout 1")
        self.assertFalse(blocked.is_closed(timeout=0.5))
        self.assertFalse(subscriber.is_closed(timeout=0.1))
        self.assertFalse(monitor.is_closed(timeout=0.1))
        admin2 = self.connect()
        self.assertEqual(admin2.call("RPUSH", "idle-list", "x"), b":1\r\n")
        self.assertEqual(blocked.read_reply(), b"*2\r\n$9\r\nidle-list\r\n$1\r\nx\r\n")

    def test_write_pause_holds_writes_until_unpause_while_reads_run(self):
        admin, writer, reader = self.connect(), self.connect(), self.connect()
        self.assertEqual(admin.call("CLIENT", "PAUSE", "20000", "WRITE"), b"+OK\r\n")
        self.addCleanup(lambda: RawClient(self.server.port).call("CLIENT", "UNPAUSE"))
        writer.send(encode_command("SET", "paused-key", "1"))
        self.assertEqual(reader.call("GET", "paused-key"), b"$-1\r\n")  # reads run; the SET waits
        writer.sock.settimeout(0.3)
        with self.assertRaises(socket.timeout):
            writer.sock.recv(1)
        self.assertIn(b"flags=b", admin.call("CLIENT", "LIST"))
        self.assertEqual(admin.call("CLIENT", "UNPAUSE"), b"+OK\r\n")
        writer.sock.settimeout(5)
        self.assertEqual(writer.read_reply(), b"+OK\r\n")
        self.assertEqual(reader.call("GET", "paused-key"), b"$1\r\n1\r\n")

    def test_monitor_sees_other_clients_commands_in_order(self):
        monitor, other = self.connect(), self.connect()
        self.assertEqual(monitor.call("MONITOR"), b"+OK\r\n")
        other.call("SET", "m", "x y")
        other.call("SELECT", "3")
        other.call("AUTH", "secret")
        other.call("CONFIG", "GET", "timeout")  # admin: not shown
        other.call("GET", "m")
        lines = [monitor.read_reply() for _ in range(4)]
        pattern = rb'^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)\r\n$'
        shown = [re.match(pattern, line).groups() for line in lines]
        self.assertEqual(shown, [(b"0", b'"SET" "m" "x y"'), (b"3", b'"SELECT" "3"'),
                                 (b"3", b'"AUTH" "(redacted)"'), (b"3", b'"GET" "m"')])
        self.assertEqual(monitor.call("GET", "m"), b"-ERR Replica can't interact with the keyspace\r\n")
        self.assertEqual(monitor.call("RESET"), b"+RESET\r\n")
        self.assertEqual(monitor.call("GET", "m"), b"$3\r\nx y\r\n")


if __name__ == "__main__":
    unittest.main()
