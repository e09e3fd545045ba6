"""Automatic AOF rewrite: once the log has grown past auto-aof-rewrite-min-size and by
auto-aof-rewrite-percentage since the last rewrite, the server compacts it by itself, keeps
serving meanwhile, and a restart from the compacted files gives the same data."""

import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.aofload import wait_loaded  # noqa: E402
from pylib.servers import RawClient, encode_command, start_corokv  # noqa: E402


def info_fields(client):
    text = client.call("INFO", "persistence").decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def aof_files(workdir):
    d = os.path.join(workdir, "appendonlydir")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


class AutoRewriteTest(unittest.TestCase):
    def test_growth_triggers_a_rewrite_that_restarts_to_the_same_data(self):
        server = start_corokv("--appendonly", "yes", "--appendfsync", "no", "--threads", "2",
                              "--auto-aof-rewrite-min-size", "1mb", "--auto-aof-rewrite-percentage", "100")
        workdir = server.workdir
        self.addCleanup(shutil.rmtree, workdir, True)
        c = RawClient(server.port, timeout=10)
        try:
            # ~4 MB of log over 100 keys: the dataset stays ~10 KB, so the rewrite compacts a lot.
            batch = b"".join(encode_command("SET", f"k{i % 100}", "x" * 100) for i in range(1000))
            for _ in range(40):
                c.send(batch)
                for _ in range(1000):
                    self.assertEqual(c.read_reply(), b"+OK\r\n")
            c.call("INCRBY", "counter", "7")
            # Rewrites may start while the writes go on; the one after them compacts the rest.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                f = info_fields(c)
                if int(f["aof_current_size"]) < (1 << 20) and f["aof_rewrite_in_progress"] == "0":
                    break
                time.sleep(0.05)
            f = info_fields(c)
            self.assertGreaterEqual(int(f["aof_rewrites"]), 1, f)
            self.assertEqual(f["aof_last_bgrewrite_status"], "ok")
            self.assertLess(int(f["aof_current_size"]), 1 << 20, f)
            self.assertIn("Starting automatic rewriting of AOF", server.log_text())
            files = aof_files(workdir)
            self.assertNotIn("appendonly.aof.1.incr.aof", files)  # the old log was deleted
            self.assertEqual(c.call("DBSIZE"), b":101\r\n")
        finally:
            c.close()
            server.stop()
        again = start_corokv("--dir", workdir, "--appendonly", "yes")
        try:
            wait_loaded(again.port)  # ready means serving; under ASAN the load takes a while
            c = RawClient(again.port, timeout=10)
            self.assertEqual(c.call("DBSIZE"), b":101\r\n")
            self.assertEqual(c.call("GET", "k42"), b"$100\r\n" + b"x" * 100 + b"\r\n")
            self.assertEqual(c.call("GET", "counter"), b"$1\r\n7\r\n")
            c.close()
        finally:
            again.stop()


if __name__ == "__main__":
    unittest.main()
