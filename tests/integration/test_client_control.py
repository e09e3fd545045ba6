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


def server_side_timer(server_port, client_port):
    """(timer kind, jiffies left) of the server's end of a connection, from /proc/net/tcp:
    kind 2 is the keepalive timer, 0 none."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, remote, timer = fields[1], fields[2], fields[5]
            if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
                kind, left = timer.split(":")
                return int(kind, 16), int(left, 16)
    return None


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

    def timer_of_new_connection(self):
        c = RawClient(self.server.port, timeout=5)
        self.addCleanup(c.close)
        self.assertEqual(c.call("PING"), b"+PONG\r\n")
        return server_side_timer(self.server.port, c.sock.getsockname()[1])

    def test_keepalive_follows_the_setting_at_accept_time(self):
        """tcp-keepalive: accepted connections probe an idle peer after that many seconds."""
        kind, left = self.timer_of_new_connection()
        self.assertEqual(kind, 2)
        self.assertTrue(250 * 100 <= left <= 300 * 100, left)  # the default 300 s, in clock ticks
        admin = RawClient(self.server.port, timeout=5)
        self.addCleanup(admin.close)
        self.assertEqual(admin.call("CONFIG", "SET", "tcp-keepalive", "60"), b"+OK\r\n")
        kind, left = self.timer_of_new_connection()
        self.assertEqual(kind, 2)
        self.assertTrue(50 * 100 <= left <= 60 * 100, left)
        self.assertEqual(admin.call("CONFIG", "SET", "tcp-keepalive", "0"), b"+OK\r\n")
        self.assertEqual(self.timer_of_new_connection()[0], 0)
        self.assertEqual(admin.call("CONFIG", "SET", "tcp-keepalive", "300"), b"+OK\r\n")

    def test_no_active_expiry_under_a_write_pause(self):
        """CLIENT PAUSE also holds active expiry, as Redis's: keys past their deadline stay
        counted until the pause ends, then the expiry cycle reclaims them."""
        c = self.connect()
        self.assertEqual(c.call("SELECT", "9"), b"+OK\r\n")  # a db no other test of the class uses
        for i in range(200):
            c.send(encode_command("SET", f"k{i}", "v", "PX", "150"))
        for _ in range(200):
            self.assertEqual(c.read_reply(), b"+OK\r\n")
        self.assertEqual(c.call("CLIENT", "PAUSE", "1500", "WRITE"), b"+OK\r\n")
        time.sleep(0.8)  # every deadline passed long ago; the cycle would have reclaimed them all
        self.assertEqual(c.call("DBSIZE"), b":200\r\n")
        self.assertEqual(c.call("CLIENT", "UNPAUSE"), b"+OK\r\n")
        deadline = time.monotonic() + 5
        while c.call("DBSIZE") != b":0\r\n" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(c.call("DBSIZE"), b":0\r\n")


if __name__ == "__main__":
    unittest.main()
