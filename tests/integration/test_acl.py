"""ACL users with an ordinary client (redis-py): its acl_* helpers, connecting as a user with
username/password, the errors it raises, and rules changed or users deleted while connections
of that user run commands on other threads."""

import os
import sys
import threading
import unittest

import redis

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import start_corokv, stop_and_clean  # noqa: E402


class AclTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_corokv("--threads", "4", "--requirepass", "adminpw")

    @classmethod
    def tearDownClass(cls):
        stop_and_clean(cls.server)

    def client(self, **kw):
        c = redis.Redis(port=self.server.port, socket_timeout=5, **kw)
        self.addCleanup(c.close)
        return c

    def admin(self):
        return self.client(password="adminpw")

    def test_password_and_users_through_redis_py(self):
        # redis-py reports WRONGPASS as a ResponseError, NOAUTH as an AuthenticationError.
        with self.assertRaisesRegex((redis.ResponseError, redis.AuthenticationError), "WRONGPASS"):
            self.client(password="wrong").ping()
        with self.assertRaisesRegex((redis.ResponseError, redis.AuthenticationError), "Authentication required"):
            self.client().get("k")
        admin = self.admin()
        self.assertTrue(admin.acl_setuser("app", enabled=True, passwords=["+apppw"], commands=["+@read", "+set"],
                                          keys=["app:*"], channels=["app.*"]))
        info = admin.acl_getuser("app")
        self.assertIn("on", info["flags"])
        self.assertEqual(info["keys"], ["~app:*"])
        self.assertIn("app", admin.acl_users())
        app = self.client(username="app", password="apppw")
        with self.assertRaises(redis.exceptions.NoPermissionError):
            app.execute_command("ACL", "WHOAMI")  # not in +@read
        self.assertTrue(app.set("app:1", "v"))
        self.assertEqual(app.get("app:1"), b"v")
        with self.assertRaises(redis.exceptions.NoPermissionError):
            app.get("other")
        with self.assertRaises(redis.exceptions.NoPermissionError):
            app.lpush("app:l", "x")
        self.assertEqual(admin.acl_dryrun("app", "get", "app:2"), b"OK")
        self.assertEqual(admin.acl_deluser("app"), 1)
        with self.assertRaises((redis.ConnectionError, redis.ResponseError)):
            app.get("app:1")  # its connection was closed; reconnecting as a deleted user fails
        admin.config_set("requirepass", "adminpw")

    def test_rules_change_while_the_users_connections_run(self):
        admin = self.admin()
        admin.acl_setuser("worker", enabled=True, passwords=["+w"], commands=["+@all"], keys=["*"])
        stop = threading.Event()
        outcomes, failures = [], []

        def work(n):
            c = redis.Redis(port=self.server.port, username="worker", password="w", socket_timeout=5)
            ok = denied = 0
            try:
                while not stop.is_set():
                    try:
                        c.set(f"w:{n}", n)
                        c.get(f"w:{n}")
                        ok += 1
                    except redis.exceptions.NoPermissionError:
                        denied += 1
            except redis.ConnectionError:
                pass  # closed by DELUSER at the end
            except redis.ResponseError as e:
                if "WRONGPASS" not in str(e):  # redis-py reconnected after DELUSER: the user is gone
                    failures.append(repr(e))
            except Exception as e:  # anything else is a bug
                failures.append(repr(e))
            outcomes.append((ok, denied))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for i in range(200):
            admin.acl_setuser("worker", commands=["-get"] if i % 2 == 0 else ["+get"])
        self.assertEqual(admin.acl_deluser("worker"), 1)
        stop.set()
        for t in threads:
            t.join(timeout=10)
        self.assertFalse(any(t.is_alive() for t in threads), "a worker did not stop")
        self.assertEqual(failures, [])
        self.assertEqual(len(outcomes), 8)
        self.assertGreater(sum(ok for ok, _ in outcomes), 0)
        self.assertEqual(admin.ping(), True)


if __name__ == "__main__":
    unittest.main()
