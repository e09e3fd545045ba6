"""Protocol edge cases over raw sockets, compared byte-for-byte with real Redis where the
reply is deterministic."""

import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, encode_command, start_corokv, start_redis  # noqa: E402


class ProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_corokv("--threads", "2")
        cls.oracle = start_redis()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.oracle.stop()

    def both(self, data, replies=1):
        """Sends raw bytes to both servers; returns (corokv replies, redis replies)."""
        out = []
        for port in (self.server.port, self.oracle.port):
            c = RawClient(port)
            c.send(data)
            out.append([c.read_reply() for _ in range(replies)])
            c.close()
        return out

    def test_protocol_error_closes_only_that_connection(self):
        bystander = RawClient(self.server.port)
        self.assertEqual(bystander.call("SET", "bystander", "ok"), b"+OK\r\n")
        bad = RawClient(self.server.port)
        bad.send(b"*abc\r\n")
        self.assertEqual(bad.read_reply(), b"-ERR Protocol error: invalid multibulk length\r\n")
        self.assertTrue(bad.is_closed())
        self.assertEqual(bystander.call("GET", "bystander"), b"$2\r\nok\r\n")
        bystander.close()

    def test_protocol_errors_match_redis(self):
        for data in [b"*abc\r\n", b"*1\r\n$x\r\n", b"*1\r\nx3\r\n", b"SET \"a\r\n", b"*1\r\n$-5\r\n"]:
            ours, theirs = self.both(data)
            self.assertEqual(ours, theirs, data)

    def test_bulk_above_limit_is_refused_without_waiting_for_data(self):
        c = RawClient(self.server.port)
        c.send(b"*2\r\n$3\r\nGET\r\n$600000000\r\n")
        self.assertEqual(c.read_reply(), b"-ERR Protocol error: invalid bulk length\r\n")
        self.assertTrue(c.is_closed())

    def test_http_requests_close_without_running_anything(self):
        for request in [b"POST / HTTP/1.1\r\nSET hacked 1\r\n",
                        b"GET / HTTP/1.1\r\nHost: x\r\nSET hacked 1\r\n"]:
            c = RawClient(self.server.port)
            c.send(request)
            self.assertTrue(c.is_closed())
            c.close()
        check = RawClient(self.server.port)
        self.assertEqual(check.call("EXISTS", "hacked"), b":0\r\n")
        check.close()

    def test_inline_commands_with_quotes(self):
        ours, theirs = self.both(b"SET \"a b\" 'c d'\r\nGET \"a b\"\r\nPING\r\n", replies=3)
        self.assertEqual(ours, theirs)
        self.assertEqual(ours[1], b"$3\r\nc d\r\n")

    def test_command_split_across_many_writes(self):
        c = RawClient(self.server.port)
        data = encode_command("SET", "split", "x" * 1000) + encode_command("GET", "split")
        for i in range(0, len(data), 7):
            c.send(data[i:i + 7])
            time.sleep(0.0005)
        self.assertEqual(c.read_reply(), b"+OK\r\n")
        self.assertEqual(c.read_reply(), b"$1000\r\n" + b"x" * 1000 + b"\r\n")

    def test_large_value_roundtrip(self):
        c = RawClient(self.server.port)
        value = os.urandom(8 * 1024 * 1024)
        self.assertEqual(c.call("SET", "large", value), b"+OK\r\n")
        self.assertEqual(c.call("GET", "large"), b"$%d\r\n" % len(value) + value + b"\r\n")

    def test_resp3_replies_match_redis(self):
        script = (encode_command("HELLO", "3") + encode_command("FLUSHALL") +
                  encode_command("GET", "missing") + encode_command("HSET", "h", "a", "1") +
                  encode_command("HGETALL", "h") + encode_command("INCRBYFLOAT", "fl", "1.5") +
                  encode_command("CONFIG", "GET", "maxclients") + encode_command("MGET", "missing", "h"))
        ours, theirs = self.both(script, replies=8)
        # HELLO's id differs between servers; everything after it must be identical.
        self.assertTrue(ours[0].startswith(b"%7\r\n"))
        self.assertEqual(ours[1:], theirs[1:])
        self.assertEqual(ours[2], b"_\r\n")

    def test_hello_errors(self):
        ours, theirs = self.both(encode_command("HELLO", "4") + encode_command("HELLO", "x"), replies=2)
        self.assertEqual(ours, theirs)
        self.assertEqual(ours[0], b"-NOPROTO unsupported protocol version\r\n")

    def test_client_setinfo_is_accepted(self):
        c = RawClient(self.server.port)
        self.assertEqual(c.call("CLIENT", "SETINFO", "LIB-NAME", "redis-py"), b"+OK\r\n")
        self.assertEqual(c.call("CLIENT", "SETINFO", "LIB-VER", "4.3.4"), b"+OK\r\n")
        self.assertIn(b"lib-name=redis-py", c.call("CLIENT", "INFO"))


class MaxClientsTest(unittest.TestCase):
    def test_connection_over_the_limit_is_refused(self):
        server = start_corokv("--maxclients", "2")
        try:
            a = RawClient(server.port)
            # The readiness probe's connection closes asynchronously: wait until only `a` is left.
            deadline = time.monotonic() + 5
            while b"connected_clients:1\r\n" not in a.call("INFO", "clients") and time.monotonic() < deadline:
                time.sleep(0.02)
            b = RawClient(server.port)
            self.assertEqual(a.call("PING"), b"+PONG\r\n")
            self.assertEqual(b.call("PING"), b"+PONG\r\n")
            c = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            self.assertEqual(c.recv(100), b"-ERR max number of clients reached\r\n")
            c.close()
            a.close()
            time.sleep(0.2)
            d = RawClient(server.port)
            self.assertEqual(d.call("PING"), b"+PONG\r\n")
        finally:
            server.stop()


class AuthTest(unittest.TestCase):
    def test_requirepass(self):
        server = start_corokv("--requirepass", "s3cret")
        try:
            c = RawClient(server.port)
            self.assertEqual(c.call("GET", "x"), b"-NOAUTH Authentication required.\r\n")
            self.assertEqual(c.call("AUTH", "wrong"),
                             b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
            self.assertEqual(c.call("AUTH", "s3cret"), b"+OK\r\n")
            self.assertEqual(c.call("SET", "x", "1"), b"+OK\r\n")
            d = RawClient(server.port)
            hello = d.call("HELLO", "3", "AUTH", "default", "s3cret")
            self.assertTrue(hello.startswith(b"%7\r\n"))
            self.assertEqual(d.call("GET", "x"), b"$1\r\n1\r\n")
        finally:
            server.stop()

    def test_redis_py_with_password(self):
        import redis
        server = start_corokv("--requirepass", "pw")
        try:
            r = redis.Redis(host="127.0.0.1", port=server.port, password="pw", socket_timeout=10)
            self.assertTrue(r.set("k", "v"))
            self.assertEqual(r.get("k"), b"v")
            bad = redis.Redis(host="127.0.0.1", port=server.port, password="nope", socket_timeout=10)
            # redis-py 4.3 maps WRONGPASS to a plain ResponseError (as against real Redis).
            with self.assertRaisesRegex(redis.exceptions.ResponseError, "WRONGPASS"):
                bad.get("k")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
