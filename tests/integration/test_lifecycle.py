"""Process lifecycle: --help/--version, configuration errors, clean stops."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, Server, corokv_binary, free_port, start_corokv  # noqa: E402


def run_binary(*args, timeout=10):
    return subprocess.run([corokv_binary(), *map(str, args)], capture_output=True, text=True, timeout=timeout)


class LifecycleTest(unittest.TestCase):
    def test_help_and_version(self):
        out = run_binary("--help")
        self.assertEqual(out.returncode, 0)
        self.assertIn("--config", out.stdout)
        self.assertIn("--port", out.stdout)
        out = run_binary("--version")
        self.assertEqual(out.returncode, 0)
        self.assertIn("corokv-server v=", out.stdout)

    def write_config(self, content):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            f.write(content)
        return path

    def test_bad_configuration_names_the_key(self):
        cases = [
            (["--config", self.write_config('{"no-such-key": 1}')], "no-such-key"),
            (["--config", self.write_config('{"port": "abc"}')], "port"),
            (["--config", self.write_config('{"maxclients": [1]}')], "maxclients"),
            (["--port", "70000"], "port"),
            (["--bogus-flag", "1"], "bogus-flag"),
            (["--config", "/nonexistent/corokv.json"], "/nonexistent/corokv.json"),
        ]
        for args, key in cases:
            out = run_binary(*args)
            self.assertNotEqual(out.returncode, 0, args)
            self.assertIn(key, out.stdout + out.stderr, args)

    def test_config_file_is_used_and_flags_override_it(self):
        port = free_port()
        path = self.write_config(json.dumps({"port": 1, "bind": "127.0.0.1", "databases": 4}))
        workdir = tempfile.mkdtemp()
        server = Server([corokv_binary(), "--config", path, "--port", str(port)], port, workdir,
                        os.path.join(workdir, "log")).wait_ready()
        try:
            c = RawClient(port)
            self.assertEqual(c.call("CONFIG", "GET", "databases"), b"*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n")
            self.assertEqual(c.call("SELECT", "4"), b"-ERR DB index is out of range\r\n")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_sigterm_and_sigint_exit_cleanly(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            server = start_corokv()
            c = RawClient(server.port)
            c.call("SET", "k", "v")
            server.proc.send_signal(sig)
            self.assertEqual(server.proc.wait(timeout=10), 0)
            server.stop()

    def test_shutdown_command_exits_cleanly(self):
        server = start_corokv()
        other = RawClient(server.port)
        c = RawClient(server.port)
        c.send(b"*1\r\n$8\r\nSHUTDOWN\r\n")
        self.assertTrue(c.is_closed(timeout=10))
        self.assertEqual(server.proc.wait(timeout=10), 0)
        self.assertTrue(other.is_closed(timeout=5))
        server.stop()

    def test_port_in_use_fails_with_a_message(self):
        server = start_corokv()
        try:
            out = run_binary("--port", server.port, "--bind", "127.0.0.1")
            self.assertNotEqual(out.returncode, 0)
            self.assertIn(str(server.port), out.stdout + out.stderr)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
