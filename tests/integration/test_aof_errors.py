"""AOF write errors: when the log cannot be written, no write is acknowledged and further
writes are refused with -MISCONF (reads go on), as Redis's writeCommandsDeniedByDiskError.

The incr file is a symlink to /dev/full, so every write(2) to it fails with ENOSPC while
loading it (an empty device read) works: a disk that filled up, without filling a disk."""

import os
import shutil
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, encode_command, start_corokv  # noqa: E402

MISCONF = b"-MISCONF Errors writing to the AOF file: No space left on device\r\n"


@unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
class AofWriteErrorTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="corokv-aof-full-")
        aofdir = os.path.join(self.dir, "appendonlydir")
        os.mkdir(aofdir)
        open(os.path.join(aofdir, "appendonly.aof.1.base.aof"), "wb").close()
        os.symlink("/dev/full", os.path.join(aofdir, "appendonly.aof.1.incr.aof"))
        with open(os.path.join(aofdir, "appendonly.aof.manifest"), "w") as f:
            f.write("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        self.server = start_corokv("--dir", self.dir, "--appendonly", "yes", "--appendfsync", "always")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.addCleanup(self.server.stop)

    def test_failed_write_is_never_acknowledged_and_later_writes_get_misconf(self):
        first = RawClient(self.server.port, timeout=1.5)
        self.addCleanup(first.close)
        first.send(encode_command("SET", "k", "v"))
        # appendfsync always: no reply until the write is on disk, and it never gets there.
        with self.assertRaises(socket.timeout):
            first.read_reply()
        other = RawClient(self.server.port, timeout=5)
        self.addCleanup(other.close)
        self.assertEqual(other.call("SET", "k2", "v"), MISCONF)
        self.assertEqual(other.call("INCR", "n"), MISCONF)
        self.assertEqual(other.call("GET", "k2"), b"$-1\r\n")
        self.assertEqual(other.call("PING"), MISCONF)  # as Redis: a health check sees it too
        info = other.call("INFO", "persistence").decode()
        self.assertIn("aof_last_write_status:err", info)
        self.assertIn("Error writing to the AOF file: No space left on device", self.server.log_text())


if __name__ == "__main__":
    unittest.main()
